// The diary and settings pages: htmx swaps a form that came back with errors (422)
// instead of ignoring it, and says so when a request fails in another way.
(() => {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status >= 400) {
      const flash = document.getElementById("flash");
      if (flash) {
        flash.textContent = status === 403
          ? "This page has expired. Reload it and try again."
          : "That did not work (error " + status + "). Reload the page and try again.";
      }
    }
  });
})();
