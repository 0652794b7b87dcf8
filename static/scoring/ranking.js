// Bar chart of the ranking pages (scoring/ranking/page.html, agency.html): reads the JSON data
// island #ranking-chart-data and draws it with the vendored Chart.js. No inline script (CSP).
(function () {
  "use strict";

  function draw() {
    var island = document.getElementById("ranking-chart-data");
    var canvas = document.getElementById("ranking-chart");
    if (!island || !canvas || typeof window.Chart === "undefined") return;
    var data = JSON.parse(island.textContent);
    if (!data.labels || !data.labels.length) return;
    var box = canvas.parentElement;
    box.style.height = Math.max(240, data.labels.length * 26 + 60) + "px";
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#2f6fb0" }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        responsive: true,
        scales: { x: { beginAtZero: true, suggestedMax: 100 } },
        plugins: { legend: { display: false } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
