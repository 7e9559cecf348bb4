// The site map: markers from the page's JSON, tiles only if a tile server is configured.
// Markers and the list beside the map work with no tiles at all.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var markers = JSON.parse(document.getElementById("site-markers").textContent);
  var colours = {
    islam: "#1b7f3b", christianity: "#7b3fa0", judaism: "#1f5fbf", sikhism: "#e08a00",
    hinduism: "#d1495b", buddhism: "#c9a400", other: "#666666"
  };
  var map = L.map(element, { zoomSnap: 0.5 });
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  var layer = L.featureGroup().addTo(map);
  markers.forEach(function (site) {
    var marker = L.circleMarker([site.lat, site.lon], {
      radius: 7, color: "#ffffff", weight: 1.5, fillColor: colours[site.faith] || "#666666",
      fillOpacity: 0.95, className: "site-marker"
    });
    var link = document.createElement("a");
    link.href = site.url;
    link.textContent = site.name;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(site.faith_label + (site.ward ? " · " + site.ward : "")));
    marker.bindPopup(popup).bindTooltip(site.name);
    marker.addTo(layer);
  });
  if (markers.length) {
    map.fitBounds(layer.getBounds().pad(0.1), { maxZoom: 16 });
  } else {
    map.setView([51.515, -0.04], 13);
  }
})();
