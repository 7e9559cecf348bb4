// The incidents map (incidents/map.html): the points the page holds, at street level.
(function () {
  "use strict";
  var element = document.getElementById("incident-map");
  var source = document.getElementById("incident-points");
  if (!element || !source || typeof L === "undefined") { return; }
  var points = JSON.parse(source.textContent);
  var map = L.map(element, { zoomSnap: 0.5 });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  var bounds = [];
  points.forEach(function (point) {
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.reference + ": " + point.category + ", " + point.on;
    L.circleMarker([point.lat, point.lon], {
      radius: 6, color: "#ffffff", weight: 1, fillColor: "#b3261e", fillOpacity: 0.85, className: "incident-marker"
    }).bindPopup(link).addTo(map);
    bounds.push([point.lat, point.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 }); } else { map.setView([51.515, -0.05], 12); }
})();
