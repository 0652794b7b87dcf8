/* Desk console: walk the procedure suggestions with the arrow keys, open one with Enter;
   reload the document rows when the case changes (htmx); hide the owner fields while
   "owner = applicant" is ticked. Everything works without it (plain form submits). */
(function () {
  "use strict";

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#procedure-listbox .desk-suggestion"));
  }

  function setActive(input, list, index) {
    list.forEach(function (option, i) {
      var active = i === index;
      option.classList.toggle("active", active);
      option.setAttribute("aria-selected", active ? "true" : "false");
      if (active) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function activeIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains("active")) {
        return i;
      }
    }
    return -1;
  }

  var search = document.getElementById("id_q");
  if (search) {
    search.addEventListener("keydown", function (event) {
      var list = options();
      if (!list.length) {
        return;
      }
      var index = activeIndex(list);
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive(search, list, Math.min(index + 1, list.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(search, list, Math.max(index - 1, 0));
      } else if (event.key === "Enter" && index >= 0) {
        event.preventDefault();
        window.location.assign(list[index].href);
      } else if (event.key === "Escape") {
        setActive(search, list, -1);
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target && event.detail.target.id === "procedure-suggestions") {
        var list = options();
        search.setAttribute("aria-expanded", list.length ? "true" : "false");
        if (list.length) {
          setActive(search, list, 0);
        }
      }
    });
  }

  var caseSelect = document.getElementById("id_case");
  var version = document.getElementById("id_version");
  var target = document.getElementById("desk-documents");
  if (caseSelect && version && target && window.htmx) {
    caseSelect.addEventListener("change", function () {
      var url = caseSelect.form.getAttribute("data-documents-url");
      window.htmx.ajax("GET", url + "?version=" + encodeURIComponent(version.value) + "&case=" + encodeURIComponent(caseSelect.value), { target: "#desk-documents", swap: "innerHTML" });
    });
  }

  var ownerSame = document.getElementById("id_owner_same");
  var ownerFields = document.getElementById("owner-fields");
  if (ownerSame && ownerFields) {
    var sync = function () {
      ownerFields.classList.toggle("d-none", ownerSame.checked);
    };
    ownerSame.addEventListener("change", sync);
    sync();
  }
})();
