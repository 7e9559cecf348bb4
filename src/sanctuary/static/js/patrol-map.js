// The review page's map: each unit's route on a chosen day, drawn from routes.json.
(function () {
  "use strict";
  var element = document.getElementById("route-map");
  if (!element || typeof L === "undefined") { return; }
  var colours = ["#1f5fbf", "#d1495b", "#1b7f3b", "#7b3fa0", "#e08a00", "#00838f", "#6d4c41", "#c2185b"];
  var map = L.map(element, { zoomSnap: 0.5 });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  var layer = L.layerGroup().addTo(map);
  var label = document.createElement("label");
  label.textContent = "Day shown on the map ";
  var select = document.createElement("select");
  select.id = "route-map-day";
  label.appendChild(select);
  element.parentNode.insertBefore(label, element);

  function draw(features, day) {
    layer.clearLayers();
    var bounds = [];
    features.filter(function (f) { return f.properties.day === day; }).forEach(function (f, i) {
      var points = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
      var colour = colours[i % colours.length];
      L.polyline(points, { color: colour, weight: 3 }).bindTooltip(f.properties.unit).addTo(layer);
      points.forEach(function (p, k) {
        L.circleMarker(p, { radius: 6, color: colour, fillOpacity: 0.9 })
          .bindTooltip(f.properties.unit + ": " + f.properties.stops[k]).addTo(layer);
        bounds.push(p);
      });
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); }
  }

  fetch(element.dataset.routes, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var days = [];
      data.features.forEach(function (f) { if (days.indexOf(f.properties.day) < 0) { days.push(f.properties.day); } });
      days.sort();
      days.forEach(function (day) {
        var option = document.createElement("option");
        option.value = day;
        option.textContent = day;
        select.appendChild(option);
      });
      if (days.length) { draw(data.features, days[0]); } else { map.setView([51.5, -0.1], 12); }
      select.addEventListener("change", function () { draw(data.features, select.value); });
    });
}());
