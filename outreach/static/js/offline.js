/* Jemput Bola: field work without a signal, the page's side (docs/OFFLINE.md). Registers the
   service worker, sends the outcome form through the phone's outbox (outbox.js), shows what waits
   and when the last was sent, sends on load, on `online` and on "send now", and clears the pages
   kept on the phone at logout and on the login page. Without this file every page still works
   online: the outcome form is then posted as it is. */
(function () {
  "use strict";

  var Outbox = window.JBOutbox;
  if (!Outbox || !window.indexedDB || !window.fetch || !window.Promise) { return; }
  var body = document.body;
  var user = body.dataset.user ? Number(body.dataset.user) : null;
  var panel = document.getElementById("outbox");
  var lang = document.documentElement.lang || "id";
  var QUEUED_NOTE = "jb-queued";  // sessionStorage: the outcome just saved on the phone, for the next page
  var queuedNote = null;
  var LIVE_WAIT_MS = 8000;  // the form waits this long for the server, then leaves it to the outbox

  function t(name) { return panel ? panel.getAttribute("data-t-" + name) || "" : ""; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // "10.42", or "Minggu, 6 Desember 10.42" on another day: the times the pages print.
  function when(iso) {
    var at = new Date(iso);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var clock = pad(at.getHours()) + (lang === "id" ? "." : ":") + pad(at.getMinutes());
    if (at.toDateString() === new Date().toDateString()) { return clock; }
    return at.toLocaleDateString(lang, { weekday: "long", day: "numeric", month: "long" }) + " " + clock;
  }

  function phoneToday() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  // --- The service worker and the pages it keeps -------------------------------------------

  var worker = null;
  function askWorker(message) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(); }
    return navigator.serviceWorker.ready.then(function (registration) {
      var active = registration.active;
      if (!active) { return; }
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function () { resolve(); };
        active.postMessage(message, [channel.port2]);
        setTimeout(resolve, 1500);  // a busy worker: go on, the login page asks again
      });
    });
  }

  var pagesKept = null;  // {count, until} once the worker has refreshed them
  if ("serviceWorker" in navigator) {
    worker = navigator.serviceWorker.register("/sw.js").catch(function () { return null; });
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "pages") {
        pagesKept = data;
        document.documentElement.dataset.offlineReady = data.count ? "yes" : "no";
        render();
      }
    });
    if (body.hasAttribute("data-offline-clear")) {
      askWorker({ type: "clear" });  // the login page: nobody's pages stay on the phone
    } else if (user !== null && navigator.onLine) {
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) { registration.active.postMessage({ type: "refresh" }); }
      });
    }
  }

  function askForSync() {
    if (!worker) { return; }
    worker.then(function () { return navigator.serviceWorker.ready; }).then(function (registration) {
      if (registration.sync) { return registration.sync.register("outbox"); }
    }).catch(function () { /* no Background Sync: the pages send on load and on `online` */ });
  }

  // --- The outbox panel -----------------------------------------------------------------------

  var sending = false;
  var state = { entries: [], lastSent: null, loginNeeded: false };
  var sentVisits = {};  // visits whose outcome this page has seen leave the outbox

  function load() {
    return Promise.all([Outbox.all(), Outbox.getMeta("last_sent:" + user), Outbox.getMeta("login_needed")])
      .then(function (values) {
        var before = state.entries;
        state.entries = values[0];
        before.forEach(function (entry) {  // gone from the outbox since: sent and saved
          var still = state.entries.some(function (e) { return e.id === entry.id; });
          if (!still && entry.state === "waiting") { sentVisits[entry.visit] = true; }
        });
        state.lastSent = values[1] || null;
        state.loginNeeded = !!values[2];
        render();
        markStops();
      }).catch(function () { /* storage refused (private mode): the page works online */ });
  }

  // Nobody logged in (the login page): nothing on the phone is theirs to read or dismiss.
  function mine(entry) { return user !== null && entry.user === user; }
  var onHome = panel && panel.hasAttribute("data-always");

  function render() {
    if (!panel) { return; }
    var entries = state.entries.filter(mine);
    var waiting = entries.filter(function (entry) { return entry.state === "waiting"; });
    var attention = entries.filter(function (entry) { return entry.state !== "waiting"; });
    var others = state.entries.some(function (entry) { return !mine(entry) && entry.state === "waiting"; });
    var offline = !navigator.onLine;
    var loginNeeded = state.loginNeeded && waiting.length && !offline;
    var show = onHome || entries.length || offline || others;
    panel.hidden = !show;
    panel.textContent = "";
    if (loginNeeded && queuedNote) { queuedNote.remove(); queuedNote = null; }
    if (!waiting.length && queuedNote) { queuedNote.remove(); queuedNote = null; }
    if (!show) { return; }
    var tone = attention.length || loginNeeded ? "alert-warning" : waiting.length ? "alert-info" : "alert-light border";
    var box = el("div", "alert " + tone + " mb-0 d-flex gap-2 align-items-start" + (onHome ? "" : " py-2"));
    box.setAttribute("role", "status");
    box.setAttribute("aria-live", "polite");
    box.appendChild(el("i", "bi " + (offline ? "bi-wifi-off" : "bi-cloud-arrow-up") + " fs-4 lh-1 flex-shrink-0", null)).setAttribute("aria-hidden", "true");
    var text = el("div", "flex-grow-1 min-w-0");
    var heading = el("div", "fw-semibold", user === null ? (others ? t("waiting-anonymous") : t("offline-short"))
      : headline(waiting.length, attention.length));
    heading.dataset.testid = "outbox-count";
    heading.dataset.waiting = String(waiting.length);
    text.appendChild(heading);
    if (user === null || !onHome) {
      // Elsewhere one line, the officer's home has the rest: the page stays the page.
      var line = user === null ? "" : [offline ? t("offline-short") : "", others ? t("others") : ""].filter(Boolean).join(" ");
      if (line) { text.appendChild(el("div", "small", line)).dataset.testid = offline ? "outbox-offline" : "outbox-others"; }
      if (user !== null && entries.length) {
        var home = el("a", "small alert-link", t("see-home"));
        home.href = "/";
        text.appendChild(home);
      }
      box.appendChild(text);
      panel.appendChild(box);
      return;
    }
    var last = el("div", "small", state.lastSent ? t("last-sent").replace("{s}", when(state.lastSent)) : t("never-sent"));
    last.dataset.testid = "outbox-last";
    text.appendChild(last);
    if (offline) {
      var note = el("div", "small mt-1", t("offline"));
      note.dataset.testid = "outbox-offline";
      text.appendChild(note);
      if (body.dataset.made && !document.querySelector("[data-testid=offline-page]")) { appendOfflineCopy(text); }
    }
    if (loginNeeded) {
      var login = el("div", "small mt-1 fw-semibold", t("login"));
      login.dataset.testid = "outbox-login";
      text.appendChild(login);
    }
    if (others) { text.appendChild(el("div", "small mt-1", t("others"))); }
    if (pagesKept && pagesKept.count && !offline) {
      var ready = el("div", "small mt-1 text-body-secondary", t("ready").replace("{n}", pagesKept.count).replace("{s}", when(new Date(pagesKept.until).toISOString())));
      ready.dataset.testid = "outbox-ready";
      text.appendChild(ready);
    }
    if (entries.length) { text.appendChild(entryList(entries)); }
    if (loginNeeded) {
      var link = el("a", "btn btn-primary mt-2", t("login-link"));
      link.href = t("login-url");
      link.dataset.testid = "outbox-login-link";
      text.appendChild(link);
    } else if (waiting.length && !offline) {
      var button = el("button", "btn btn-primary mt-2", sending ? t("sending") : t("send-now"));
      button.type = "button";
      button.disabled = sending;
      button.dataset.testid = "outbox-send";
      button.addEventListener("click", function () { send(); });
      text.appendChild(button);
    }
    box.appendChild(text);
    panel.appendChild(box);
  }

  function headline(waiting, attention) {
    if (waiting) { return waiting === 1 ? t("waiting-one") : t("waiting-other").replace("{n}", waiting); }
    if (attention) { return attention === 1 ? t("attention-one") : t("attention-other").replace("{n}", attention); }
    return t("none");
  }

  function appendOfflineCopy(text) {
    var copy = el("div", "small mt-1", t("offline-copy").replace("{s}", body.dataset.made));
    copy.dataset.testid = "outbox-copy";
    if (body.dataset.today && body.dataset.today !== phoneToday() && document.querySelector("[data-testid=coming-days]")) {
      copy.textContent += " " + t("other-day");
    }
    text.appendChild(copy);
  }

  function entryList(entries) {
    var list = el("ul", "list-unstyled small mb-0 mt-2");
    list.dataset.testid = "outbox-entries";
    entries.forEach(function (entry) {
      var item = el("li", "py-1 border-top");
      item.dataset.testid = "outbox-entry";
      item.dataset.state = entry.state;
      item.appendChild(el("span", "fw-semibold", entry.title + " — "));
      // A kept one's message says itself that it did not go onto the visit.
      var words = entry.state === "waiting" ? t("state-waiting")
        : entry.state === "fix" ? t("state-fix") + " " + (entry.message || "")
          : entry.message || t("state-kept");
      item.appendChild(el("span", null, words));
      if (entry.state === "fix" && entry.url) {
        var open = el("a", "ms-2", t("open-form"));
        open.href = entry.url;
        item.appendChild(open);
      }
      if (entry.state === "kept" || entry.state === "gone") {
        var ok = el("button", "btn btn-outline-secondary d-block mt-1", t("dismiss"));
        ok.type = "button";
        ok.dataset.testid = "outbox-dismiss";
        ok.addEventListener("click", function () { Outbox.remove(entry.id).then(load); });
        item.appendChild(ok);
      }
      list.appendChild(item);
    });
    return list;
  }

  // The stops of the officer's day say which outcomes wait on the phone, which were kept, and
  // which this page has seen sent (the page itself was made before).
  function markStops() {
    document.querySelectorAll("[data-outbox-mark]").forEach(function (mark) { mark.remove(); });
    var marks = {};
    Object.keys(sentVisits).forEach(function (visit) { marks[visit] = ["text-bg-success", t("stop-sent")]; });
    state.entries.filter(mine).forEach(function (entry) {
      marks[entry.visit] = entry.state === "waiting" ? ["text-bg-info", t("stop-waiting"), "waiting"]
        : entry.state === "fix" ? ["text-bg-warning", t("stop-fix"), "fix"] : ["text-bg-warning", t("stop-kept"), "kept"];
    });
    Object.keys(marks).forEach(function (visit) {
      document.querySelectorAll("[data-visit='" + visit + "']:not(form)").forEach(function (stop) {
        var mark = el("span", "badge " + marks[visit][0] + " d-inline-block", marks[visit][1]);
        mark.setAttribute("data-outbox-mark", "");
        var where = stop.querySelector(".fw-semibold") || stop;
        where.insertAdjacentElement("afterend", mark);
        var record = stop.querySelector("[data-testid=stop-outcome]");
        if (record) {
          record.hidden = marks[visit][0] === "text-bg-success";  // saved: nothing more to record
          if (!record.dataset.label) { record.dataset.label = record.innerHTML; }
          if (marks[visit][2] === "waiting" || marks[visit][2] === "fix") {
            record.textContent = t("stop-edit");  // the form opens with what waits, to change it
          } else {
            record.innerHTML = record.dataset.label;
          }
        }
      });
    });
  }

  function send() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    render();
    return Outbox.sendAll().then(function () { sending = false; return load(); },
      function () { sending = false; return load(); });
  }

  Outbox.onChange(function () { load(); });
  // What only works with a signal (a file to download or upload) is not offered without one.
  function signalOnly() {
    document.querySelectorAll("[data-needs-signal]").forEach(function (node) { node.hidden = !navigator.onLine; });
  }
  signalOnly();
  window.addEventListener("online", function () { signalOnly(); render(); send(); });
  window.addEventListener("offline", function () { signalOnly(); render(); });

  // --- The outcome form -----------------------------------------------------------------------

  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "version" && typeof value === "string") { fields[name] = value; }
    });
    return fields;
  }

  function say(form, text, tone) {
    var box = form.querySelector("[data-outcome-message]");
    if (!box) { return; }
    box.className = "alert alert-" + (tone || "warning");
    box.textContent = text;
    box.focus && box.setAttribute("tabindex", "-1");
    box.scrollIntoView({ block: "center" });
  }

  // The server's messages on their fields, as the page shows its own (templates/_form.html).
  function showErrors(form, errors) {
    form.querySelectorAll(".is-invalid").forEach(function (node) { node.classList.remove("is-invalid"); });
    form.querySelectorAll("[data-outbox-error]").forEach(function (node) { node.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var control = form.querySelector("[name='" + name + "']");
      if (!control) { return; }
      var holder = control.closest("fieldset") || control;
      if (control.type !== "radio") { control.classList.add("is-invalid"); control.setAttribute("aria-invalid", "true"); }
      var feedback = el("div", "invalid-feedback d-block", (errors[name] || []).join(" "));
      feedback.setAttribute("data-outbox-error", "");
      feedback.id = name + "-outbox-error";
      var named = control.type === "radio" ? holder : control;
      var described = (named.getAttribute("aria-describedby") || "").split(" ").filter(function (id) { return id && id !== feedback.id; });
      named.setAttribute("aria-describedby", described.concat([feedback.id]).join(" "));
      holder.insertAdjacentElement(control.closest("fieldset") ? "beforeend" : "afterend", feedback);
    });
  }

  // The form's plain rules (a number, a reason for students left unrecorded, an outcome chosen),
  // checked before an outcome waits on the phone; the server checks everything again.
  function obviousErrors(form) {
    var errors = {};
    var value = function (name) { var c = form.querySelector("[name='" + name + "']"); return c ? c.value.trim() : null; };
    var recorded = value("recorded");
    if (recorded !== null && !/^[0-9]+$/.test(recorded)) { errors.recorded = [form.dataset.tNumber]; }
    var notRecorded = value("not_recorded");
    if (notRecorded && !/^[0-9]+$/.test(notRecorded)) { errors.not_recorded = [form.dataset.tNumber]; }
    if (notRecorded && Number(notRecorded) > 0 && !value("reason")) { errors.reason = [form.dataset.tReason]; }
    if (form.querySelector("[name=outcome]") && !form.querySelector("[name=outcome]:checked")) {
      errors.outcome = [form.dataset.tChoose];
    }
    return errors;
  }

  function fill(form, fields) {
    Object.keys(fields).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (control) {
        if (control.type === "radio" || control.type === "checkbox") { control.checked = control.value === fields[name]; }
        else { control.value = fields[name]; }
      });
    });
  }

  function outcomeForm(form) {
    var visit = Number(form.dataset.visit);
    var button = form.querySelector("[type=submit]");
    var label = button ? button.innerHTML : "";
    var entryId = null;
    Outbox.all().then(function (entries) {
      entries.filter(function (e) { return mine(e) && e.visit === visit; }).forEach(function (entry) {
        entryId = entry.id;
        fill(form, entry.fields);
        if (entry.state === "fix") { say(form, entry.message, "warning"); showErrors(form, entry.errors); }
        if (entry.state === "kept" || entry.state === "gone") { entryId = null; }  // told, and done
        if (entry.state === "waiting") { say(form, t("queued").replace("{s}", entry.title), "info"); }
      });
    }).catch(function () {});

    function queued(entry) {
      askForSync();
      try { sessionStorage.setItem(QUEUED_NOTE, entry.title); } catch (e) { /* private mode */ }
      window.location.assign(form.dataset.after || "/");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var wrong = obviousErrors(form);
      if (Object.keys(wrong).length) {  // what the phone can tell without the server
        showErrors(form, wrong);
        say(form, t("check"));
        return;
      }
      var wasWaiting = entryId !== null;
      if (button) { button.disabled = true; button.textContent = t("saving"); }
      var entry = { id: entryId || Outbox.newId(), user: user, visit: visit, title: form.dataset.title,
        url: window.location.pathname, fields: fieldsOf(form), made_at: new Date().toISOString(), state: "waiting" };
      entryId = entry.id;
      var done = function () { if (button) { button.disabled = false; button.innerHTML = label; } };
      Outbox.put(entry).then(function () {
        var sent = Outbox.withLock(function () {
          return Outbox.freshToken().then(function (session) {
            if (session.login) { return Outbox.setMeta("login_needed", true).then(function () { return { state: "login" }; }); }
            if (session.offline) { return { state: "offline" }; }
            return Outbox.sendOne(entry, session.token, true);
          });
        });
        // At the door, nobody waits for a weak signal: saved on the phone, it goes later (a
        // request that arrives meanwhile makes the later one a replay, taken once).
        var late = new Promise(function (resolve) { setTimeout(resolve, LIVE_WAIT_MS, { state: "offline" }); });
        return Promise.race([sent, late]);
      }).then(function (answer) {
        if (answer.state === "recorded" || answer.state === "same") {
          return Outbox.settle(entry, answer).then(function () { window.location.assign(answer.next || "/"); });
        }
        if (answer.state === "invalid") {
          done();
          showErrors(form, answer.errors);
          if (wasWaiting) {  // refused before, refused again: it stays on the phone to fix
            return Outbox.settle(entry, answer).then(function () { say(form, t("check")); });
          }
          return Outbox.remove(entry.id).then(function () { entryId = null; say(form, t("check")); });
        }
        if (answer.state === "kept" || answer.state === "gone") {
          done();
          return Outbox.settle(entry, answer).then(function () { say(form, answer.message, "warning"); });
        }
        if (answer.state === "login") {
          done();
          say(form, t("queued").replace("{s}", entry.title) + " " + t("login"), "warning");
          return load();
        }
        queued(entry);  // no signal, or no answer in time: it waits on the phone
      }).catch(function () {
        done();
        form.removeAttribute("data-outcome-form");
        form.submit();  // the phone cannot keep it (storage refused): post it as it is
      });
    });
  }

  document.querySelectorAll("form[data-outcome-form]").forEach(outcomeForm);

  // A coming visit's form, kept on the phone for its day: shown from that day on.
  document.querySelectorAll("[data-opens-on]").forEach(function (node) {
    if (phoneToday() >= node.dataset.opensOn) {
      node.hidden = false;
      document.querySelectorAll("[data-closes-on='" + node.dataset.opensOn + "']").forEach(function (n) { n.hidden = true; });
    }
  });

  // The page after an outcome saved on the phone says so, once.
  try {
    var justQueued = sessionStorage.getItem(QUEUED_NOTE);
    if (justQueued && panel) {
      sessionStorage.removeItem(QUEUED_NOTE);
      var note = queuedNote = el("div", "alert alert-info", t("queued").replace("{s}", justQueued));
      note.setAttribute("role", "status");
      note.dataset.testid = "outbox-queued";
      panel.insertAdjacentElement("beforebegin", note);
    }
  } catch (e) { /* private mode */ }

  // --- Logout: nothing of the account's stays on the phone but what waits to be sent -------------

  document.querySelectorAll("form[action$='/logout']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.cleared) { return; }
      event.preventDefault();
      if (!navigator.onLine) {  // the server ends the session: without a signal nothing would
        window.alert(t("logout-offline"));
        return;
      }
      Outbox.all().catch(function () { return []; }).then(function (entries) {
        var waiting = entries.filter(function (e) { return mine(e) && e.state === "waiting"; }).length;
        if (waiting && !window.confirm(t("logout-confirm").replace("{n}", waiting))) { return; }
        return askWorker({ type: "clear" }).then(function () {
          form.dataset.cleared = "yes";
          form.submit();
        });
      });
    });
  });

  load().then(function () {
    if (user === null) { return; }
    if (navigator.onLine) { send(); }
    else if (state.entries.some(function (e) { return mine(e) && e.state === "waiting"; })) { askForSync(); }
  });
})();
