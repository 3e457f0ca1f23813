/* Jemput Bola: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // A select whose options belong to the option chosen in another select (kelurahan of a
  // kecamatan): <select data-parent-select="kecamatan"> with <option data-parent="17.71.01">.
  function linkSelects(child) {
    var parent = document.getElementById(child.dataset.parentSelect);
    if (!parent) { return; }
    var groups = Array.prototype.slice.call(child.querySelectorAll("optgroup"));
    function sync() {
      var chosen = parent.value;
      groups.forEach(function (group) {
        var options = group.querySelectorAll("option");
        var belongs = !chosen || (options.length && options[0].dataset.parent === chosen);
        group.hidden = !belongs;
        group.disabled = !belongs;
      });
      var selected = child.options[child.selectedIndex];
      if (selected && selected.dataset.parent && chosen && selected.dataset.parent !== chosen) {
        child.value = "";
      }
    }
    child.addEventListener("change", function () {
      var selected = child.options[child.selectedIndex];
      if (selected && selected.dataset.parent && !parent.value) {
        parent.value = selected.dataset.parent;
        sync();
      }
    });
    parent.addEventListener("change", sync);
    sync();
  }

  // Where the page holds only one kecamatan's kelurahan (a province, the country), the select
  // says where to fetch another's: <select data-parent-select="kecamatan"
  // data-options-url="/regions/kelurahan">; its parent may be a select or an input for a code.
  function fetchOptions(child) {
    var parent = document.getElementById(child.dataset.parentSelect);
    if (!parent) { return; }
    var blank = child.querySelector("option[value='']");
    var asked = null;
    function fill(code, kelurahan) {
      var keep = child.value;
      Array.prototype.slice.call(child.children).forEach(function (node) {
        if (node !== blank) { child.removeChild(node); }
      });
      kelurahan.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.textContent = item.name;
        option.dataset.parent = code;
        child.appendChild(option);
      });
      child.value = keep;
      if (child.value !== keep) { child.value = ""; }
    }
    function load() {
      var code = parent.value.trim();
      if (code === asked) { return; }
      asked = code;
      if (!/^\d{2}\.\d{2}\.\d{2}$/.test(code)) { fill(code, []); return; }
      fetch(child.dataset.optionsUrl + "?kecamatan=" + encodeURIComponent(code), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { kelurahan: [] };
      }).then(function (data) {
        if (asked === code) { fill(code, data.kelurahan || []); }
      }).catch(function () { /* offline: the server checks the choice on save */ });
    }
    asked = parent.value.trim();  // the page came with this kecamatan's kelurahan
    parent.addEventListener("change", load);
    parent.addEventListener("input", function () {
      if (/^\d{2}\.\d{2}\.\d{2}$/.test(parent.value.trim())) { load(); }
    });
  }

  document.querySelectorAll("select[data-parent-select]").forEach(function (child) {
    if (child.dataset.optionsUrl) { fetchOptions(child); } else { linkSelects(child); }
  });

  // While a NIK is typed, say what it tells (birth date, age, sex) and fill the empty fields
  // it answers; the server decides again on save, so nothing here is trusted.
  function nikHelper(input) {
    var box = document.getElementById(input.dataset.nikInfo);
    if (!box || !window.fetch) { return; }
    var last = "";
    function setIfEmpty(id, value) {
      var field = document.getElementById(id);
      if (field && !field.value) { field.value = value; }
    }
    function show(data) {
      box.textContent = "";
      box.className = "small nik-info mb-3 " + (data.ok ? "text-body-secondary" : "text-danger");
      box.appendChild(document.createTextNode(data.ok ? data.summary : data.message));
      if (!data.ok) { return; }
      setIfEmpty("birth_on", data.birth_on);
      setIfEmpty("sex", data.sex);
      if (data.elderly) { setIfEmpty("category", "lansia"); }
      if (data.duplicate) {
        var warning = document.createElement("div");
        warning.className = "text-danger fw-semibold mt-1";
        warning.appendChild(document.createTextNode(data.duplicate.message + " "));
        var link = document.createElement("a");
        link.href = data.duplicate.url;
        link.textContent = "→";
        warning.appendChild(link);
        box.appendChild(warning);
      }
    }
    function check() {
      var digits = input.value.replace(/\D/g, "");
      if (digits.length !== 16 || digits === last) { return; }
      last = digits;
      var body = new URLSearchParams();
      body.append("nik", digits);
      if (box.dataset.id) { body.append("id", box.dataset.id); }
      var token = input.form && input.form.querySelector("input[name=csrf_token]");
      var headers = { "Accept": "application/json" };
      if (token) { headers["X-CSRFToken"] = token.value; }
      // Posted, not put in the URL: a NIK must not land in access logs or the history.
      fetch(box.dataset.url, { method: "POST", credentials: "same-origin", headers: headers, body: body })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { show(data); } })
        .catch(function () { /* offline: the server checks on save */ });
    }
    input.addEventListener("input", check);
    input.addEventListener("change", check);
    check();
  }

  document.querySelectorAll("input[data-nik-info]").forEach(nikHelper);

  // No NIK in a URL: a search form sent by GET would put what was typed into the address (and
  // so into the history and the servers' logs). A NIK typed there (16 digits, however spaced)
  // goes instead to the page's "find by NIK" form, posted (<form data-nik-find="id of it">),
  // or stays in the browser with the page's message. The server refuses such a GET too.
  var NIK_RUN = /[0-9]{2}(?:[\s.\-]?[0-9]{2}){3}[\s.\-]?[0-9]{4}[\s.\-]?[0-9]{4}/;
  function nikIn(text) {
    var compact = text.replace(/[\s.\-]/g, "");
    if (/^[0-9]{16}$/.test(compact)) { return compact; }
    var found = text.match(NIK_RUN);
    return found ? found[0].replace(/[^0-9]/g, "").slice(0, 16) : null;
  }
  function sayNoNik(input, message) {
    var id = (input.id || input.name) + "-nik-feedback";
    var feedback = document.getElementById(id);
    if (!feedback) {
      feedback = document.createElement("div");
      feedback.className = "invalid-feedback d-block";
      feedback.id = id;
      feedback.setAttribute("role", "alert");
      (input.closest(".input-group") || input).insertAdjacentElement("afterend", feedback);
    }
    feedback.textContent = message;
    input.setAttribute("aria-invalid", "true");
    var described = input.getAttribute("aria-describedby") || "";
    if (described.split(" ").indexOf(id) < 0) {
      input.setAttribute("aria-describedby", (described + " " + id).trim());
    }
    input.focus();
  }
  document.querySelectorAll("form").forEach(function (form) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") { return; }
    form.addEventListener("submit", function (event) {
      var nik = null;
      var where = null;
      form.querySelectorAll("input[type=search], input[type=text]").forEach(function (input) {
        var found = nikIn(input.value);
        if (!found) { return; }
        input.value = "";  // never sent, whatever happens next
        if (!nik) { nik = found; where = input; }
      });
      if (!nik) { return; }
      event.preventDefault();
      var find = form.dataset.nikFind && document.getElementById(form.dataset.nikFind);
      var box = find && find.querySelector("input[name=nik]");
      if (box) {
        box.value = nik;
        find.submit();
      } else {
        sayNoNik(where, form.dataset.nikMessage || document.body.dataset.nikMessage || "");
      }
    });
  });

  // <button data-copy="#field" data-copied="Copied">: copy a field's text (the liaison link).
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.dataset.copy);
      if (!field) { return; }
      var done = function () {
        var label = button.innerHTML;
        button.textContent = button.dataset.copied || "✓";
        setTimeout(function () { button.innerHTML = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
      } else {
        field.select();
        try { if (document.execCommand("copy")) { done(); } } catch (e) { /* selected: copy by hand */ }
      }
    });
  });

  // <button data-print>: print the page (the day sheet).
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // <form data-confirm="Remove …?">: ask before a destructive submit.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // <input type=checkbox data-select-all="ids">: tick or untick every open row of the list.
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll("input[name='" + all.dataset.selectAll + "']:not(:disabled)");
      boxes.forEach(function (box) { box.checked = all.checked; });
      boxes.forEach(function (box) { box.dispatchEvent(new Event("change", { bubbles: true })); });
    });
  });

  // <div data-bulk-bar="ids">: shown only while some row is ticked, with how many.
  document.querySelectorAll("[data-bulk-bar]").forEach(function (bar) {
    var name = bar.dataset.bulkBar;
    var count = bar.querySelector("[data-bulk-count]");
    var update = function () {
      var ticked = document.querySelectorAll("input[name='" + name + "']:checked").length;
      bar.hidden = ticked === 0 && !bar.querySelector(".is-invalid");
      if (count) { count.textContent = count.dataset.template.replace("%n", ticked); }
    };
    document.addEventListener("change", function (event) {
      if (event.target.name === name) { update(); }
    });
    update();
  });
})();
