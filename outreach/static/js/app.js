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

  document.querySelectorAll("select[data-parent-select]").forEach(linkSelects);
})();
