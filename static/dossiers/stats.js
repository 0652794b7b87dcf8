// Statistics page: show the period fields that match the chosen kind, and draw the charts from
// the JSON data island (#stats-data) with the vendored Chart.js. No inline script (CSP).
(function () {
  "use strict";

  function togglePeriodFields() {
    var kind = document.getElementById("id_kind");
    if (!kind) return;
    var isRange = kind.value === "range";
    document.querySelectorAll("[data-period]").forEach(function (el) {
      var show = (el.dataset.period === "range") === isRange;
      el.classList.toggle("d-none", !show);
    });
    var number = document.getElementById("id_number");
    if (number) number.disabled = kind.value === "year" || isRange;
  }

  function drawCharts() {
    var island = document.getElementById("stats-data");
    if (!island || typeof window.Chart === "undefined") return;
    var data = JSON.parse(island.textContent);
    // Fixed meaning colours (the theme's "primary" is red, which would read as "late").
    var green = "#198754";
    var blue = "#0d6efd";
    var red = "#dc3545";
    var teal = "#0aa2c0";
    var orange = "#fd7e14";
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

    var resolved = document.getElementById("chart-resolved");
    if (resolved) {
      new Chart(resolved, {
        type: "doughnut",
        data: {
          labels: data.resolved.labels,
          datasets: [{ data: data.resolved.values, backgroundColor: [green, blue, red] }]
        },
        options: { plugins: { legend: { position: "bottom" } }, maintainAspectRatio: false }
      });
    }
    var channels = document.getElementById("chart-channels");
    if (channels) {
      new Chart(channels, {
        type: "bar",
        data: {
          labels: data.channels.labels,
          datasets: [{
            label: data.channels.title,
            data: data.channels.values,
            backgroundColor: [blue, teal, orange]
          }]
        },
        options: {
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          maintainAspectRatio: false
        }
      });
    }
    var months = document.getElementById("chart-months");
    if (months && data.months.labels.length) {
      new Chart(months, {
        type: "line",
        data: {
          labels: data.months.labels,
          datasets: [
            { label: data.months.names[0], data: data.months.received, borderColor: blue, backgroundColor: blue, tension: 0.25 },
            { label: data.months.names[1], data: data.months.resolved, borderColor: green, backgroundColor: green, tension: 0.25 },
            { label: data.months.names[2], data: data.months.late, borderColor: red, backgroundColor: red, tension: 0.25 }
          ]
        },
        options: {
          plugins: { legend: { position: "bottom" } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          maintainAspectRatio: false
        }
      });
    }
  }

  function init() {
    var kind = document.getElementById("id_kind");
    if (kind) kind.addEventListener("change", togglePeriodFields);
    togglePeriodFields();
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
