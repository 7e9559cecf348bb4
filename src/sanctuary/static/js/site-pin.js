// The site form's map: click or tap to place the site's pin, or drag it; the latitude and
// longitude fields follow the pin, and typing in them moves it. The fields stay the way to say
// where a site is without a mouse (and with no script at all).
(function () {
  "use strict";
  var element = document.getElementById("pin-map");
  var latitude = document.getElementById("id_latitude");
  var longitude = document.getElementById("id_longitude");
  if (!element || !latitude || !longitude || typeof L === "undefined") {
    return;
  }
  var map = L.map(element, { zoomSnap: 0.5 });
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: element.dataset.tileAttribution }).addTo(map);
  }
  var icon = L.divIcon({ className: "site-pin", iconSize: [22, 22], iconAnchor: [11, 11] });
  var pin = null;

  function typed() {
    var lat = parseFloat(latitude.value);
    var lon = parseFloat(longitude.value);
    if (isNaN(lat) || isNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      return null;
    }
    return L.latLng(lat, lon);
  }

  function write(position) {
    latitude.value = position.lat.toFixed(6);
    longitude.value = position.lng.toFixed(6);
    latitude.dispatchEvent(new Event("change", { bubbles: true }));
    longitude.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function place(position) {
    if (pin === null) {
      pin = L.marker(position, {
        icon: icon, draggable: true, title: "The site's pin", alt: "The site's pin"
      }).addTo(map);
      pin.on("dragend", function () { write(pin.getLatLng()); });
    } else {
      pin.setLatLng(position);
    }
  }

  var start = typed();
  if (start !== null) {
    map.setView(start, 16);
    place(start);
  } else if (element.dataset.centre) {
    var centre = element.dataset.centre.split(",").map(Number);
    map.setView(centre, 15);
  } else if (element.dataset.extent) {
    var box = element.dataset.extent.split(",").map(Number);
    map.fitBounds([[box[1], box[0]], [box[3], box[2]]]);
  }

  map.on("click", function (event) {
    place(event.latlng);
    write(event.latlng);
  });
  [latitude, longitude].forEach(function (field) {
    field.addEventListener("input", function () {
      var position = typed();
      if (position !== null) {
        place(position);
        map.panTo(position);
      }
    });
  });
})();
