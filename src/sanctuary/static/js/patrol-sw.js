// The officer's page offline: a copy of the last "My route today" page and the files it uses,
// refreshed every time the network answers. Check-ins themselves are queued by the page
// (patrol-phone.js, IndexedDB), never by this worker.
"use strict";
var CACHE = "sanctuary-patrols-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  var wanted = url.pathname === "/patrols/today/" || url.pathname.indexOf("/static/") === 0;
  if (!wanted) { return; }
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (found) {
        return found || new Response("Offline, and this page was not saved on the phone yet.",
          { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    })
  );
});
