/* Jemput Bola's service worker, written by hand (no library, nothing from a CDN). The server puts
   VERSION (a digest of this file and everything it keeps) and SHELL (the URLs every page needs)
   above this line (web.field.worker).

   - The app shell is kept at install and served from the phone: styles, scripts, icons and the
     page shown for a page not kept.
   - An officer's pages (their home, the day sheets and each stop's outcome form, for today and
     the coming working days) are kept while online, as /field/pages lists them, and shown when
     the network does not answer. They belong to one account, are deleted at logout (the login
     page asks), for another account, and once OUTREACH_OFFLINE_DAYS have passed since the last
     refresh. Nothing else is kept: no list, no search, no resident's page.
   - Outcomes wait in the outbox (outbox.js); Background Sync sends them when the signal returns,
     where the browser has it (the pages send them too, on load and on `online`). */
/* global VERSION, SHELL, JBOutbox */
"use strict";

importScripts("/static/js/outbox.js");

var SHELL_CACHE = "jb-shell-" + VERSION;
var PAGES_CACHE = "jb-pages";
var OFFLINE_PAGE = "/field/offline";
var NETWORK_WAIT_MS = 6000;  // a kept page is shown if the network has not answered by then
var PAGE_REFRESH_MS = 60 * 60 * 1000;  // a kept page is fetched again after an hour, changed or not
var SHELL_PATHS = SHELL.map(function (url) { return new URL(url, self.location.origin).pathname; });

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("jb-shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches["delete"](name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pagesMeta() {
  return JBOutbox.getMeta("pages").catch(function () { return null; });
}

function clearPages() {
  return caches["delete"](PAGES_CACHE).then(function () { return JBOutbox.setMeta("pages", undefined); });
}

// The kept copy of a page, if it is still within its days; an expired set is deleted.
function keptPage(url) {
  return pagesMeta().then(function (meta) {
    if (!meta) { return null; }
    if (Date.now() > meta.until) { return clearPages().then(function () { return null; }); }
    return caches.open(PAGES_CACHE).then(function (cache) { return cache.match(url, { ignoreVary: true }); });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE }).then(function (page) {
    return page || new Response("", { status: 503, statusText: "Offline" });
  });
}

function page(request) {
  var network = fetch(request);
  return keptPage(request.url).then(function (kept) {
    if (!kept) { return network["catch"](offlinePage); }
    var late = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS, null); });
    return Promise.race([network["catch"](function () { return null; }), late]).then(function (answer) {
      return answer || kept;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    if (url.pathname.indexOf("/field/") === 0 && url.pathname !== OFFLINE_PAGE) { return; }
    event.respondWith(page(request));
    return;
  }
  if (SHELL_PATHS.indexOf(url.pathname) >= 0) {
    event.respondWith(
      caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true }).then(function (kept) {
        return kept || fetch(request);
      })
    );
  }
});

// Fetch the pages the account keeps, those changed since (by their stamps) or older than an hour;
// delete the rest. One refresh at a time.
var refreshing = null;
function refreshPages() {
  if (refreshing) { return refreshing; }
  refreshing = fetch("/field/pages", { credentials: "same-origin", redirect: "manual", cache: "no-store", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (response.status === 401 || response.type === "opaqueredirect") { return clearPages().then(function () { return null; }); }
      if (!response.ok) { return null; }
      return response.json();
    })
    .then(function (data) {
      if (!data) { return null; }
      return pagesMeta().then(function (meta) {
        var fresh = meta && meta.user === data.user ? meta : null;
        var start = fresh ? Promise.resolve() : clearPages();
        var stamps = fresh ? fresh.stamps || {} : {};
        var fetched = fresh ? fresh.fetched || {} : {};
        return start.then(function () { return caches.open(PAGES_CACHE); }).then(function (cache) {
          var wanted = data.pages.map(function (item) { return new URL(item.url, self.location.origin).href; });
          function keep(index) {
            if (index >= data.pages.length) { return Promise.resolve(); }
            var item = data.pages[index];
            var href = wanted[index];
            if (stamps[href] === item.stamp && Date.now() - (fetched[href] || 0) < PAGE_REFRESH_MS) {
              return keep(index + 1);
            }
            return fetch(href, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
              .then(function (response) {
                if (response.ok && response.type === "basic" && !response.redirected) {
                  stamps[href] = item.stamp;
                  fetched[href] = Date.now();
                  return cache.put(href, response);
                }
              }, function () { /* no signal: the kept copy stays */ })
              .then(function () { return keep(index + 1); });
          }
          return keep(0).then(function () { return cache.keys(); }).then(function (keys) {
            return Promise.all(keys.filter(function (key) { return wanted.indexOf(key.url) < 0; })
              .map(function (key) { delete stamps[key.url]; return cache["delete"](key); }));
          }).then(function () { return cache.keys(); }).then(function (keys) {
            var meta = { user: data.user, until: Date.now() + data.keep_ms, stamps: stamps, fetched: fetched, count: keys.length };
            return JBOutbox.setMeta("pages", meta).then(function () { return meta; });
          });
        });
      });
    })
    .then(function (meta) {
      return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (clients) {
        clients.forEach(function (client) {
          client.postMessage({ type: "pages", count: meta ? meta.count : 0, until: meta ? meta.until : null });
        });
      });
    })
    ["catch"](function () { /* offline: try again on the next page load */ })
    .then(function () { refreshing = null; });
  return refreshing;
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = function () { if (event.ports && event.ports[0]) { event.ports[0].postMessage("done"); } };
  if (data.type === "refresh") { event.waitUntil(refreshPages()); }
  if (data.type === "clear") { event.waitUntil(clearPages().then(reply, reply)); }
});

self.addEventListener("sync", function (event) {
  if (event.tag !== "outbox") { return; }
  event.waitUntil(JBOutbox.sendAll().then(function (result) {
    if (result.offline) { throw new Error("no signal yet: the browser tries again later"); }
  }));
});
