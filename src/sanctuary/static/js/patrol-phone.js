// The officer's phone page: check-in and check-out with the phone's time and position, sent
// at once when there is a connection, or kept in a queue (IndexedDB) and sent later with their
// original times and positions. Each record carries an id made here, so the server keeps it
// once however often it is sent. A small service worker (patrol-sw.js) keeps the page itself
// available offline.
(function () {
  "use strict";
  var script = document.getElementById("patrol-phone");
  var connection = document.getElementById("connection");
  var queueStatus = document.getElementById("queue-status");
  var DB = "sanctuary-patrols", STORE = "check-ins";

  if ("serviceWorker" in navigator && script && script.dataset.serviceWorker) {
    navigator.serviceWorker.register(script.dataset.serviceWorker, { scope: "/patrols/" })
      .catch(function () { /* the page works without it, online */ });
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "client_id" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function queued() { return withStore("readonly", function (store) { return store.getAll(); }); }
  function enqueue(record) { return withStore("readwrite", function (store) { store.put(record); }); }
  function dequeue(id) { return withStore("readwrite", function (store) { store.delete(id); }); }

  function say(record, text, good) {
    var item = document.getElementById("visit-" + record.visit);
    var line = item ? item.querySelector(".visit-state") : null;
    if (line) {
      line.textContent = text;
      line.className = "visit-state " + (good ? "accepted" : "refused");
    }
  }

  function showQueue() {
    return queued().then(function (records) {
      queueStatus.textContent = records.length
        ? records.length + " check-in" + (records.length > 1 ? "s" : "") + " waiting to be sent."
        : "";
    });
  }

  function describe(record) { return record.kind === "out" ? "Check-out" : "Check-in"; }

  // Send one record; true when the server has answered (accepted or refused), false when
  // there was no connection (it stays queued).
  function send(record) {
    return fetch(record.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": record.csrf },
      body: JSON.stringify({
        client_id: record.client_id, kind: record.kind, at: record.at,
        latitude: record.latitude, longitude: record.longitude
      })
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (answer.accepted) {
          say(record, describe(record) + " accepted (" + new Date(record.at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + ").", true);
        } else if (answer.reason) {
          say(record, describe(record) + " refused: " + answer.reason + ".", false);
        } else {
          say(record, describe(record) + " could not be recorded: " + JSON.stringify(answer.errors || answer.error), false);
        }
        return true;
      });
    }, function () { return false; });
  }

  var flushing = false;
  function flush() {
    if (flushing) { return Promise.resolve(); }
    flushing = true;
    return queued().then(function (records) {
      return records.reduce(function (chain, record) {
        return chain.then(function () {
          return send(record).then(function (answered) { if (answered) { return dequeue(record.client_id); } });
        });
      }, Promise.resolve());
    }).then(showQueue).then(function () { flushing = false; }, function () { flushing = false; });
  }

  function position() {
    return new Promise(function (resolve, reject) {
      if (!navigator.geolocation) { reject(new Error("This phone cannot give its position.")); return; }
      navigator.geolocation.getCurrentPosition(resolve, function (error) {
        reject(new Error("The phone's position is not available (" + error.message + "): allow location for this page."));
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.check-in"), function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var visit = form.closest("li").id.replace("visit-", "");
      var at = new Date().toISOString();
      position().then(function (where) {
        var record = {
          client_id: newId(), visit: visit, url: form.action, kind: form.dataset.kind, at: at,
          latitude: where.coords.latitude, longitude: where.coords.longitude,
          csrf: form.querySelector("[name=csrfmiddlewaretoken]").value
        };
        say(record, "Sending…", true);
        var attempt = navigator.onLine === false ? Promise.resolve(false) : send(record);
        return attempt.then(function (answered) {
          if (!answered) {
            return enqueue(record).then(function () {
              say(record, describe(record) + " queued: no connection. It will be sent with its time and position when the connection returns.", true);
              return showQueue();
            });
          }
        });
      }).catch(function (error) {
        say({ visit: visit }, error.message, false);
      });
    });
  });

  function online() {
    connection.hidden = navigator.onLine !== false;
    connection.textContent = "No connection: check-ins are kept on this phone and sent later.";
    if (navigator.onLine !== false) { flush(); }
  }
  window.addEventListener("online", online);
  window.addEventListener("offline", online);
  online();
  showQueue();
}());
