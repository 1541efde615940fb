// Draws the dashboard charts from the JSON that the page embeds with json_script.
// The numbers are also in a table under each chart; a suppressed value (null) is left out.
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var charts = JSON.parse(source.textContent);
    charts.forEach(function (chart) {
      var canvas = document.querySelector("canvas[data-chart='" + chart.key + "']");
      if (!canvas) {
        return;
      }
      new window.Chart(canvas, {
        type: chart.kind,
        data: {
          labels: chart.labels,
          datasets: [{
            label: chart.value_label,
            data: chart.values,
            backgroundColor: "#1f4e79",
            borderColor: "#1f4e79",
            spanGaps: false
          }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
