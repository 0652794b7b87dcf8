/* Citizen dossier pages: show/hide optional sections, confirm destructive actions, and
   submit-once forms (buttons disabled after the first click; the server is idempotent too). */
(function () {
  "use strict";

  function sync(box) {
    var hide = box.getAttribute("data-hide-target");
    var show = box.getAttribute("data-show-target");
    if (hide) {
      var h = document.getElementById(hide);
      if (h) { h.classList.toggle("d-none", box.checked); }
    }
    if (show) {
      var s = document.getElementById(show);
      if (s) { s.classList.toggle("d-none", !box.checked); }
    }
  }

  document.querySelectorAll("[data-hide-target], [data-show-target]").forEach(function (box) {
    sync(box);
    box.addEventListener("change", function () { sync(box); });
  });

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    });
  });

  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-submitting") === "1") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-submitting", "1");
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
      /* disable after the browser has collected the clicked button's name/value */
      window.setTimeout(function () {
        buttons.forEach(function (button) {
          button.disabled = true;
          var label = button.getAttribute("data-busy-label");
          if (label) { button.textContent = label; }
        });
      }, 0);
    });
  });
})();
