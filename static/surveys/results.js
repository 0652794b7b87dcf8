// Survey results page: draw the charts from the JSON data island (#results-data) with the
// vendored Chart.js. No inline script (CSP).
(function () {
  "use strict";

  function draw() {
    var island = document.getElementById("results-data");
    if (!island || typeof window.Chart === "undefined") return;
    var data = JSON.parse(island.textContent);
    var blue = "#0d6efd";
    var grey = "#adb5bd";
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

    var elements = document.getElementById("chart-elements");
    if (elements && data.elements.labels.length) {
      var datasets = [{ label: data.elements.title, data: data.elements.values, backgroundColor: blue }];
      if (data.elements.previous.length) {
        datasets.push({ label: data.elements.previous_title, data: data.elements.previous, backgroundColor: grey });
      }
      new Chart(elements, {
        type: "bar",
        data: { labels: data.elements.labels, datasets: datasets },
        options: {
          indexAxis: "y",
          plugins: { legend: { position: "bottom" } },
          scales: { x: { min: 0, max: 100 } }
        }
      });
    }
    var general = document.getElementById("chart-general");
    if (general && data.general.values.length) {
      new Chart(general, {
        type: "bar",
        data: {
          labels: data.general.labels,
          datasets: [{
            label: data.general.title,
            data: data.general.values,
            backgroundColor: ["#dc3545", "#fd7e14", "#ffc107", "#20c997", "#198754"]
          }]
        },
        options: {
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
