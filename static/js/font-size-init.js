/* Applies the remembered font-size step before first paint (loaded in <head>, not deferred). */
(function () {
  "use strict";
  try {
    var step = parseInt(window.localStorage.getItem("cchc-font-step"), 10);
    if (step >= 0 && step <= 5 && step !== 1) {
      document.documentElement.classList.add("font-step-" + step);
    }
  } catch (e) {
    /* storage blocked: keep the default size */
  }
})();
