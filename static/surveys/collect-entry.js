// Paper-form data entry driven by the keyboard alone (surveys/collect/entry.html).
// Scale questions: a digit 1-5 sets the answer and moves on; yes/no: 1 or 0.
// Enter moves to the next box; Ctrl+Enter (or Cmd+Enter) saves and opens the next form.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form) { return; }
  var inputs = Array.prototype.slice.call(form.querySelectorAll(".entry-input"));
  var allowed = { scale5: /^[1-5]$/, yes_no: /^[01]$/ };

  function next(el) {
    var i = inputs.indexOf(el);
    var target = inputs[i + 1] || document.getElementById("entry-save");
    target.focus();
    if (target.select) { target.select(); }
  }

  form.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      return;
    }
    if (inputs.indexOf(el) === -1) { return; }
    if (ev.key === "Enter") {
      ev.preventDefault();
      next(el);
      return;
    }
    var rule = allowed[el.dataset.type];
    if (rule && ev.key.length === 1 && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
      ev.preventDefault();
      if (rule.test(ev.key)) {
        el.value = ev.key;
        el.classList.remove("is-invalid");
        next(el);
      }
    }
  });

  var firstError = form.querySelector(".is-invalid");
  if (firstError) { firstError.focus(); firstError.select(); }
})();
