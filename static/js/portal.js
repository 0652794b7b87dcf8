/* Base layout behaviour: font size (+A / A / -A, remembered) and the print button. */
(function () {
  "use strict";
  var KEY = "cchc-font-step";
  var MIN = 0; /* 87.5% */
  var DEFAULT = 1; /* 100% */
  var MAX = 5; /* 150% */
  var root = document.documentElement;

  function currentStep() {
    for (var i = MIN; i <= MAX; i++) {
      if (root.classList.contains("font-step-" + i)) {
        return i;
      }
    }
    return DEFAULT;
  }

  function applyStep(step) {
    for (var i = MIN; i <= MAX; i++) {
      root.classList.remove("font-step-" + i);
    }
    if (step !== DEFAULT) {
      root.classList.add("font-step-" + step);
    }
    try {
      if (step === DEFAULT) {
        window.localStorage.removeItem(KEY);
      } else {
        window.localStorage.setItem(KEY, String(step));
      }
    } catch (e) {
      /* storage blocked: the size still applies to this page */
    }
    document.querySelectorAll("[data-font-size]").forEach(function (button) {
      var action = button.getAttribute("data-font-size");
      button.disabled = (action === "up" && step >= MAX) || (action === "down" && step <= MIN);
    });
  }

  document.addEventListener("click", function (event) {
    var sizeButton = event.target.closest("[data-font-size]");
    if (sizeButton) {
      var action = sizeButton.getAttribute("data-font-size");
      var step = currentStep();
      if (action === "up") {
        step = Math.min(MAX, step + 1);
      } else if (action === "down") {
        step = Math.max(MIN, step - 1);
      } else {
        step = DEFAULT;
      }
      applyStep(step);
      return;
    }
    if (event.target.closest("[data-action='print']")) {
      window.print();
    }
  });

  applyStep(currentStep());
})();
