// The diary and settings pages: htmx swaps a form that came back with errors (422) or a
// question (409) instead of ignoring it, and says so when a request fails in another way.
(() => {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 422 || status === 409) {  // 409: "looks like a cramp already logged"
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
  // After a cramp is saved, its confirmation (and any offer of the warning-signs check)
  // is brought into view and focused: the Save button was at the bottom of a long form.
  let shown = null;
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const { requestConfig: request, xhr } = event.detail;
    if (xhr === shown || xhr?.status !== 200 || request?.verb !== "post" || request?.path !== "/diary") return;
    const box = document.querySelector("#flash .flash-box");
    if (!box) return;
    shown = xhr;
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "start" });
  });
})();

// Offline: a cramp logged while crampcoach is unreachable is kept on this phone and sent
// when it is back (static/offline.js). Every entry carries an idempotency key (the hidden
// client_key field, made when the form is sent), so the form post and a later copy of it
// store one entry. The form is taken over when the page knows the server is unreachable,
// or when its post fails to reach it; a post refused as out of date (403: a page kept
// from before the server restarted) is sent again as JSON, which needs no form token.
(() => {
  "use strict";
  const offline = window.CrampcoachOffline;
  if (!offline) return;
  const SAVED = "Saved on this phone; it will be sent when crampcoach is reachable.";

  const isLogForm = (el) => el instanceof HTMLFormElement && el.id === "log-form";

  function keyField(form) {
    let field = form.querySelector('input[name="client_key"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "client_key";
      form.append(field);
    }
    if (!field.value) field.value = offline.newKey();
    return field;
  }

  function say(text) {
    const flash = document.getElementById("flash");
    if (!flash) return;
    const box = document.createElement("div");
    box.className = "flash-box";
    box.tabIndex = -1;
    const p = document.createElement("p");
    p.textContent = text;
    box.append(p);
    flash.replaceChildren(box);
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "start" });
  }

  // What is missing or out of bounds, checked by the inputs' own limits; the server
  // checks everything again when the entry is sent.
  function problem(form) {
    const data = new FormData(form);
    if (!data.get("leg")) return "Choose the leg.";
    if (!data.get("place")) return "Choose where the cramp was.";
    const severity = form.elements.namedItem("severity");
    if (!severity.value || !severity.checkValidity()) return "Give the severity, a whole number from 0 to 10.";
    const minutes = form.elements.namedItem("minutes");
    if (minutes.value && !minutes.checkValidity()) return `Give the minutes it lasted, from 0 to ${minutes.max}, or leave it empty.`;
    return null;
  }

  const number = (text) => Number(String(text).replace(",", "."));

  // The cramp as /api/episodes takes it. A time left as the page gave it is the moment
  // of saving (a page kept from hours ago shows an old time); one typed is read, like the
  // form's, in the person's zone.
  function entry(form) {
    const data = new FormData(form);
    const at = form.elements.namedItem("at");
    return {
      started_at: at.value && at.value !== at.defaultValue ? at.value : new Date().toISOString(),
      leg: data.get("leg"),
      place: data.get("place"),
      severity: number(data.get("severity")),
      minutes: String(data.get("minutes") || "").trim() ? number(data.get("minutes")) : null,
      helped: data.getAll("helped"),
      woke: data.get("woke") !== null,
      tags: String(data.get("tags") || "").split(",").map((t) => t.trim()).filter(Boolean),
      notes: String(data.get("notes") || "").trim(),
      // Sent later, when nobody can be asked "is this the cramp already logged?": the
      // person logged it on purpose, and its idempotency key keeps a resend from doubling.
      allow_duplicate: true,
    };
  }

  async function keepCramp(form, { offline: down = true } = {}) {
    const wrong = problem(form);
    if (wrong) {
      say(`Not saved: ${wrong}`);
      return;
    }
    const body = entry(form);
    const label = `(${body.leg} ${body.place}, severity ${body.severity})`;
    try {
      await offline.keep({ kind: "cramp", url: "/api/episodes", body, key: keyField(form).value, label }, { offline: down });
    } catch (err) {
      say(`Not saved: this browser could not keep it (${err?.message || err}).`);
      return;
    }
    form.reset();
    form.querySelector('input[name="client_key"]')?.remove();  // the next cramp gets its own
    say(down ? SAVED : "Saved; sending it now.");
  }

  // Capture: before htmx sees the submit.
  document.addEventListener("submit", (event) => {
    if (!isLogForm(event.target)) return;
    keyField(event.target);
    if (!offline.isOffline()) return;  // htmx posts it (with the key)
    event.preventDefault();
    event.stopImmediatePropagation();
    keepCramp(event.target);
  }, true);

  document.body.addEventListener("htmx:sendError", (event) => {
    if (isLogForm(event.detail.elt)) keepCramp(event.detail.elt);
  });

  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.xhr.status !== 403 || !isLogForm(event.detail.elt)) return;
    event.detail.shouldSwap = false;
    keepCramp(event.detail.elt, { offline: false });
  });
})();
