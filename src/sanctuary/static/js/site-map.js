// The site map. It asks the server for what is in its view as it moves: the sites themselves,
// or clusters with their counts when there are too many to draw. Tiles only if a tile server is
// configured; markers, clusters and the list beside the map work with no tiles at all.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var list = document.getElementById("map-list");
  var count = document.getElementById("map-count");
  var colours = {
    islam: "#1b7f3b", christianity: "#7b3fa0", judaism: "#1f5fbf", sikhism: "#e08a00",
    hinduism: "#d1495b", buddhism: "#c9a400", other: "#666666"
  };
  var map = L.map(element, { zoomSnap: 0.5 });
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  var layer = L.layerGroup().addTo(map);
  var latest = 0;

  function siteMarker(site) {
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
    return marker.bindPopup(popup).bindTooltip(site.name);
  }

  function clusterMarker(cluster) {
    var size = cluster.count < 100 ? 30 : cluster.count < 1000 ? 38 : 46;
    var icon = L.divIcon({
      html: "<span>" + cluster.count.toLocaleString("en-GB") + "</span>",
      className: "site-cluster", iconSize: [size, size]
    });
    var marker = L.marker([cluster.lat, cluster.lon], {
      icon: icon, keyboard: true, title: cluster.count + " sites: zoom in"
    });
    marker.on("click", function () { map.setView([cluster.lat, cluster.lon], map.getZoom() + 2); });
    return marker;
  }

  function showList(sites, total) {
    list.textContent = "";
    sites.slice(0, 100).forEach(function (site) {
      var item = document.createElement("li");
      var dot = document.createElement("span");
      dot.className = "dot faith-" + site.faith;
      var link = document.createElement("a");
      link.href = site.url;
      link.textContent = site.name;
      var small = document.createElement("small");
      small.textContent = site.faith_label + (site.ward ? " · " + site.ward : "");
      item.appendChild(dot);
      item.appendChild(link);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(small);
      list.appendChild(item);
    });
    count.textContent = total.toLocaleString("en-GB") + (total === 1 ? " site" : " sites") +
      " in the map's view" + (sites.length ? "" : ": zoom in to list them");
  }

  function load() {
    var bounds = map.getBounds();
    var url = new URL(element.dataset.markersUrl, window.location.href);
    url.searchParams.set("bbox", [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map(function (value) { return value.toFixed(5); }).join(","));
    url.searchParams.set("zoom", String(Math.round(map.getZoom())));
    var asked = ++latest;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (found) {
        if (asked !== latest) { return; }  // a later view has been asked for meanwhile
        layer.clearLayers();
        found.sites.forEach(function (site) { siteMarker(site).addTo(layer); });
        found.clusters.forEach(function (cluster) { clusterMarker(cluster).addTo(layer); });
        showList(found.sites, found.total);
      });
  }

  map.on("moveend", load);
  var extent = element.dataset.extent;
  if (extent) {
    var box = extent.split(",").map(Number);
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { padding: [20, 20], maxZoom: 16 });
  } else {
    map.setView([51.515, -0.04], 13);
  }
})();
