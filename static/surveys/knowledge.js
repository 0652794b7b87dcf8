// Knowledge test page: a visible countdown (informative only — the deadline is enforced on the
// server) and a confirmation before submitting. No inline script (CSP).
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function format(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return pad(m) + ":" + pad(s);
  }

  function start() {
    var el = document.getElementById("countdown");
    if (!el) return;
    var end = Date.now() + parseInt(el.dataset.remaining, 10) * 1000;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = format(left);
      if (left <= 60) el.classList.add("text-danger");
      if (left > 0) window.setTimeout(tick, 1000);
    }
    tick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
