// Incidents per week (incidents/stats.html): two stacked bar charts from the page's JSON.
(function () {
  "use strict";
  var source = document.getElementById("incident-chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  function draw(id, series) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.weeks, datasets: series },
      options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
    });
  }
  draw("chart-category", data.category);
  draw("chart-faith", data.faith);
})();
