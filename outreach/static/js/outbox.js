/* Jemput Bola: the phone's outbox of outcomes (IndexedDB), shared by the pages and the service
   worker. An outcome is put here first, with an id the phone makes, and leaves only when the
   server has answered for it: saved, the same already saved, or kept for the coordinator (then it
   stays, marked, until the officer has read why). The server takes each id once, so sending again
   after a lost answer records nothing twice. No DOM here: the service worker runs it too. */
(function (scope) {
  "use strict";

  var DB_NAME = "jemput-bola";
  var DB_VERSION = 1;
  var CHANNEL = "jemput-bola-outbox";
  var SEND_TIMEOUT_MS = 20000;  // a weak signal: give up on one request after this, keep it waiting

  function open() {
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("outbox")) { db.createObjectStore("outbox", { keyPath: "id" }); }
        if (!db.objectStoreNames.contains("meta")) { db.createObjectStore("meta"); }
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(storeName, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var store = tx.objectStore(storeName);
        var result;
        Promise.resolve(work(store)).then(function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function asPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function all() {
    return run("outbox", "readonly", function (store) { return asPromise(store.getAll()); })
      .then(function (entries) {
        return (entries || []).sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
      });
  }

  function put(entry) {
    return run("outbox", "readwrite", function (store) { store.put(entry); }).then(changed);
  }

  function remove(id) {
    return run("outbox", "readwrite", function (store) { store["delete"](id); }).then(changed);
  }

  function getMeta(key) {
    return run("meta", "readonly", function (store) { return asPromise(store.get(key)); });
  }

  function setMeta(key, value) {
    return run("meta", "readwrite", function (store) {
      if (value === undefined) { store["delete"](key); } else { store.put(value, key); }
    });
  }

  function changed() {
    if (scope.BroadcastChannel) {
      var channel = new scope.BroadcastChannel(CHANNEL);
      channel.postMessage("changed");
      channel.close();
    }
  }

  function onChange(callback) {
    if (!scope.BroadcastChannel) { return; }
    new scope.BroadcastChannel(CHANNEL).onmessage = callback;
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // fetch, given up after SEND_TIMEOUT_MS (a signal that comes and goes can hang a request).
  function fetchWithin(url, options) {
    var controller = scope.AbortController ? new scope.AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    options = Object.assign({ credentials: "same-origin", redirect: "manual", cache: "no-store" }, options || {});
    if (controller) { options.signal = controller.signal; }
    return fetch(url, options).finally(function () { if (timer) { clearTimeout(timer); } });
  }

  function readJson(response) {
    return response.json().catch(function () { return {}; });
  }

  // The session's CSRF token and user: {token, user}, {login: true} or {offline: true}.
  function freshToken() {
    return fetchWithin("/field/token", { headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.type === "opaqueredirect") { return { login: true }; }
        if (!response.ok) { return { offline: true }; }
        return readJson(response).then(function (data) { return { token: data.csrf_token, user: data.user }; });
      }, function () { return { offline: true }; });
  }

  // Send one entry: the server's answer as {state, message, next, ...}; {state: "offline"} when
  // no answer came, {state: "login"} for an ended session, {state: "csrf"} for a stale token.
  function sendOne(entry, token, live) {
    var body = JSON.stringify({ id: entry.id, visit: entry.visit, fields: entry.fields, made_at: entry.made_at, live: !!live });
    return fetchWithin("/field/outcomes", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
      body: body
    }).then(function (response) {
      if (response.status === 401 || response.type === "opaqueredirect") { return { state: "login" }; }
      return readJson(response).then(function (data) {
        if (response.status === 400 && data.state !== "invalid") { return { state: "csrf" }; }
        if (response.status >= 500 || response.status === 409 || response.status === 429) { return { state: "offline" }; }
        if (response.status === 403) { return { state: "login" }; }
        if (response.status === 404) { data.state = "gone"; }
        return data;
      });
    }, function () { return { state: "offline" }; });
  }

  // What an answer does to the entry: the entry's new state, or null when it leaves the outbox.
  function settle(entry, answer) {
    var now = new Date().toISOString();
    if (answer.state === "recorded" || answer.state === "same") {
      return remove(entry.id).then(function () { return setMeta("last_sent:" + entry.user, now); }).then(function () { return null; });
    }
    if (answer.state === "kept" || answer.state === "invalid" || answer.state === "gone") {
      // kept: with the coordinator; fix: the officer can put it right; gone: not their team's
      entry.state = answer.state === "invalid" ? "fix" : answer.state;
      entry.message = answer.message || "";
      entry.errors = answer.errors || {};
      entry.answered_at = now;
      return put(entry).then(function () { return entry.state; });
    }
    return Promise.resolve(entry.state);
  }

  function withLock(work) {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request("jemput-bola-outbox", work);
    }
    return work();
  }

  // Send every waiting entry of the logged-in account, oldest first; stops at the first request
  // that gets no answer. Resolves with {sent, login, offline}.
  function sendAll() {
    return withLock(function () {
      return all().then(function (entries) {
        var waiting = entries.filter(function (entry) { return entry.state === "waiting"; });
        var outcome = { sent: 0, login: false, offline: false };
        if (!waiting.length) { return setMeta("login_needed", undefined).then(function () { return outcome; }); }
        return freshToken().then(function (session) {
          if (session.login) { outcome.login = true; return setMeta("login_needed", true).then(changed).then(function () { return outcome; }); }
          if (session.offline) { outcome.offline = true; return outcome; }
          return setMeta("login_needed", undefined).then(function () {
            var mine = waiting.filter(function (entry) { return entry.user === session.user; });
            var token = session.token;
            var retried = false;
            function next(index) {
              if (index >= mine.length) { return Promise.resolve(outcome); }
              return sendOne(mine[index], token).then(function (answer) {
                if (answer.state === "csrf" && !retried) {
                  retried = true;
                  return freshToken().then(function (again) {
                    if (again.login) { outcome.login = true; return setMeta("login_needed", true).then(changed).then(function () { return outcome; }); }
                    if (!again.token) { outcome.offline = true; return outcome; }
                    token = again.token;
                    return next(index);
                  });
                }
                if (answer.state === "login") { outcome.login = true; return setMeta("login_needed", true).then(changed).then(function () { return outcome; }); }
                if (answer.state === "offline" || answer.state === "csrf") { outcome.offline = true; return outcome; }
                return settle(mine[index], answer).then(function () { outcome.sent += 1; return next(index + 1); });
              });
            }
            return next(0);
          });
        });
      });
    });
  }

  scope.JBOutbox = {
    all: all,
    put: put,
    remove: remove,
    getMeta: getMeta,
    setMeta: setMeta,
    onChange: onChange,
    newId: newId,
    freshToken: freshToken,
    sendOne: sendOne,
    settle: settle,
    sendAll: sendAll,
    withLock: withLock
  };
})(self);
