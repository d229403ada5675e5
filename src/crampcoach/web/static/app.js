// Small site-wide behaviour: the CSRF token on every htmx request, the service worker,
// why a feature is missing (`window.crampcoachFeatures`), and installing to the home screen.
(() => {
  "use strict";
  const token = document.querySelector('meta[name="csrf-token"]')?.content;
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (token) event.detail.headers["X-CSRF-Token"] = token;
  });
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(() => {});
  }

  // -- why a feature is missing: one line, with the fix ------------------------------
  // Camera, keep-awake and install need a secure page (https, or this computer itself);
  // plain http on a home-network address is not one.
  const FIX = "start crampcoach with `crampcoach serve --lan` and open the https address.";
  const INSECURE = {
    camera: `The camera needs a secure (https) page: ${FIX}`,
    wakeLock: `The screen may sleep: keeping it awake needs a secure (https) page; ${FIX}`,
    install: `Installing needs a secure (https) page: ${FIX}`,
  };
  const UNSUPPORTED = {
    camera: "This browser cannot share a camera with a web page.",
    wakeLock: "This browser cannot keep the screen awake: make the screen timeout longer.",
    install: "This browser cannot install crampcoach to the home screen.",
  };
  const supported = {
    camera: () => Boolean(navigator.mediaDevices?.getUserMedia),
    wakeLock: () => "wakeLock" in navigator,
    install: () => "serviceWorker" in navigator,
  };

  // Why `feature` cannot work on this page, or null: { reason: "insecure" | "unsupported",
  // message }.
  function missing(feature) {
    if (!window.isSecureContext) return { reason: "insecure", message: INSECURE[feature] };
    if (!supported[feature]()) return { reason: "unsupported", message: UNSUPPORTED[feature] };
    return null;
  }

  // `message` into `el`, with the `command` in backquotes shown as code.
  function explain(el, message) {
    el.replaceChildren(...message.split("`").map((part, i) => {
      if (i % 2 === 0) return document.createTextNode(part);
      const code = document.createElement("code");
      code.textContent = part;
      return code;
    }));
  }

  window.crampcoachFeatures = { missing, explain };

  // -- install to the home screen (Today) --------------------------------------------
  const install = document.getElementById("install");
  const installButton = document.getElementById("install-button");
  const installNote = document.getElementById("install-note");
  const standalone = window.matchMedia?.("(display-mode: standalone)").matches || navigator.standalone === true;
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent)
    || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  let offer = null;  // the browser's deferred install prompt

  function note(message) {
    if (!install) return;
    explain(installNote, message);
    install.hidden = false;
  }

  if (install && !standalone) {
    const why = missing("install");
    if (why) note(why.message);
    else if (ios) note("To install on an iPhone or iPad: tap Share, then Add to Home Screen.");
  }
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();  // offered by our own button instead of the browser's bar
    offer = event;
    if (!install) return;
    installButton.hidden = false;
    note("Add crampcoach to your home screen: it opens like an app, straight to Today.");
  });
  installButton?.addEventListener("click", async () => {
    if (!offer) return;
    const shown = offer;
    offer = null;
    installButton.hidden = true;
    shown.prompt();
    const choice = await shown.userChoice.catch(() => null);
    if (choice?.outcome !== "accepted") note("Not installed. You can install it later from the browser's menu.");
  });
  window.addEventListener("appinstalled", () => {
    offer = null;
    if (install) { installButton.hidden = true; note("Installed: open crampcoach from your home screen."); }
  });
})();
