// The risk register's map: each site of the page as a dot coloured by its risk level. The table
// below it says the same in words; tiles only if a tile server is configured.
(function () {
  "use strict";
  var element = document.getElementById("risk-map");
  var data = document.getElementById("risk-markers");
  if (!element || !data || typeof L === "undefined") { return; }
  var sites = JSON.parse(data.textContent);
  var colours = { low: "#2e7d32", medium: "#c79100", high: "#d35400", very_high: "#b71c1c" };
  var map = L.map(element, { zoomSnap: 0.5 });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19, attribution: element.dataset.tileAttribution
    }).addTo(map);
  }
  var bounds = [];
  sites.forEach(function (site) {
    var marker = L.circleMarker([site.lat, site.lon], {
      radius: 8, color: "#ffffff", weight: 1.5, fillColor: colours[site.level] || "#666666",
      fillOpacity: 0.95, className: "risk-marker risk-marker-" + site.level
    });
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(site.level_label + " risk, score " + site.score));
    marker.bindPopup(popup).bindTooltip(site.name).addTo(map);
    bounds.push([site.lat, site.lon]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
  } else {
    map.setView([51.51, -0.05], 12);
  }
})();
