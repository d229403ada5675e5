// What was saved while crampcoach was unreachable, and the line that says so.
//
// A cramp (diary.js) or a finished routine (player.js) that cannot be sent is kept on this
// phone, in IndexedDB, with the idempotency key the page made for it, and sent when the
// server answers again: on the `online` event, when a page loads or comes back into view,
// and every 20 s while something waits. Entries go in the order they were kept, each once:
// the server stores a key only once, so a copy sent twice (a lost answer, two tabs, a
// reload in the middle) is not doubled. An entry the server refuses (a 4xx other than
// 409 or 429) is not tried again; it stays listed with the server's reason until removed.
// A 409 (a conflict of that entry's) leaves it waiting for the next round while the
// others go; a 401 (log in first), 429 or 5xx stops the round: the server cannot take
// anything now. (Cramps kept offline are sent with allow_duplicate: see diary.js.)
//
// IndexedDB rather than localStorage: it is asynchronous (a write does not block the
// page), holds structured entries without hand-made JSON, and is shared with the
// service worker should it ever send them itself (Background Sync).
//
// The line at the top of every page (#offline-status, role=status) says when the server
// is unreachable, what is waiting, when it was sent, and what was refused.
(() => {
  "use strict";
  const DB_NAME = "crampcoach-offline";
  const STORE = "outbox";
  const RETRY_MS = 20_000;
  const SEND_TIMEOUT_MS = 10_000;
  const SENT_SHOWN_MS = 10 * 60 * 1000;  // "Sent ..." stays on the line this long
  const SENT_NOTE = "crampcoach.offline.sent";
  const NOUNS = { cramp: ["cramp", "cramps"], session: ["routine", "routines"] };
  const line = document.getElementById("offline-status");
  const channel = "BroadcastChannel" in window ? new BroadcastChannel("crampcoach-outbox") : null;

  let unreachable = navigator.onLine === false;
  let needsLogin = false;
  let flushing = null;
  let again = false;
  let timer = null;

  // -- the outbox (IndexedDB) ---------------------------------------------------------------
  let opened = null;
  function database() {
    opened ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return opened;
  }

  async function transact(mode, work) {
    const db = await database();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  }

  const byAge = (a, b) => a.keptAt - b.keptAt || (a.key < b.key ? -1 : 1);
  const entries = async () => (await transact("readonly", (s) => s.getAll())).sort(byAge);
  const store = (entry) => transact("readwrite", (s) => s.put(entry));
  const drop = (key) => transact("readwrite", (s) => s.delete(key));

  // An idempotency key: random, 16 to 64 of [A-Za-z0-9_-] as the server asks.
  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();  // secure pages only
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Keep an entry to send later: { kind: "cramp" | "session", url, body, key, label }.
  // `offline`: it is kept because a send just failed to reach the server.
  async function keep(entry, { offline = true } = {}) {
    await store({ ...entry, keptAt: Date.now(), refused: null });
    if (offline) unreachable = true;
    changed();
    if (offline) schedule();
    else flush();
  }

  // -- sending --------------------------------------------------------------------------
  async function post(entry) {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    try {
      return await fetch(entry.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": entry.key },
        body: JSON.stringify(entry.body),
        signal: abort.signal,
      });
    } finally {
      clearTimeout(timeout);
    }
  }

  // The server's reason, in one line (FastAPI's detail: a text or a list of field errors).
  async function reason(response) {
    try {
      const detail = (await response.json()).detail;
      if (typeof detail === "string") return detail;
      if (Array.isArray(detail) && detail.length) {
        const first = detail[0];
        const field = (first.loc || []).filter((p) => p !== "body").join(".");
        return field ? `${field}: ${first.msg}` : String(first.msg);
      }
    } catch (_) { /* not JSON */ }
    return `the server said ${response.status}`;
  }

  // Send what waits, oldest first; stop at the first that cannot go yet (order kept).
  async function sendWaiting() {
    const sent = { cramp: 0, session: 0 };
    for (const entry of await entries()) {
      if (entry.refused) continue;
      let response;
      try {
        response = await post(entry);
      } catch (_) {
        unreachable = true;
        break;
      }
      unreachable = false;
      needsLogin = response.status === 401;
      if (response.ok) {
        await drop(entry.key);
        sent[entry.kind] += 1;
      } else if (response.status === 409) {
        continue;  // a conflict of this entry's: it waits for the next round, the others go
      } else if (response.status === 401 || response.status === 429 || response.status >= 500) {
        break;  // the server is there but cannot take anything now: later
      } else {
        await store({ ...entry, refused: await reason(response) });
      }
    }
    if (sent.cramp || sent.session) noteSent(sent);
  }

  // One flush at a time in this page, and (with Web Locks) in every tab of crampcoach;
  // a flush asked for during one runs again right after it.
  function flush() {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      try {
        do {
          again = false;
          if (navigator.locks) await navigator.locks.request("crampcoach-outbox", sendWaiting);
          else await sendWaiting();
        } while (again);
      } catch (_) {
        // IndexedDB unavailable: nothing was kept either
      } finally {
        flushing = null;
        changed();
        schedule();
      }
    })();
    return flushing;
  }

  // Is the server there? (A page may come from the service worker's cache.)
  async function probe() {
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
    try {
      const response = await fetch("/healthz", { cache: "no-store", signal: abort.signal });
      unreachable = !response.ok;
    } catch (_) {
      unreachable = true;
    } finally {
      clearTimeout(timeout);
    }
  }

  async function check() {
    const waiting = (await entries().catch(() => [])).some((e) => !e.refused);
    if (waiting) await flush();
    else {
      await probe();
      render();
      schedule();
    }
  }

  function schedule() {
    if (timer !== null) return;
    entries().catch(() => []).then((all) => {
      if (timer !== null || !(unreachable || all.some((e) => !e.refused))) return;
      timer = setTimeout(() => { timer = null; check(); }, RETRY_MS);
    });
  }

  // -- the status line ------------------------------------------------------------------
  function counted(counts) {
    const parts = Object.entries(NOUNS)
      .filter(([kind]) => counts[kind])
      .map(([kind, [one, many]]) => `${counts[kind]} ${counts[kind] === 1 ? one : many}`);
    return parts.join(" and ");
  }

  function tally(list) {
    const counts = { cramp: 0, session: 0 };
    for (const entry of list) counts[entry.kind] += 1;
    return counts;
  }

  function noteSent(sent) {
    try {
      localStorage.setItem(SENT_NOTE, JSON.stringify({ ...sent, at: Date.now() }));
    } catch (_) { /* storage full or denied: the line still says it now */ }
  }

  function lastSent() {
    try {
      const note = JSON.parse(localStorage.getItem(SENT_NOTE) || "null");
      return note && Date.now() - note.at < SENT_SHOWN_MS ? note : null;
    } catch (_) {
      return null;
    }
  }

  const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  function headline(waiting) {
    const what = counted(tally(waiting));
    if (unreachable) {
      return what
        ? `Offline: ${what} will be sent when crampcoach is reachable.`
        : "Offline: crampcoach is not reachable. Routines and the diary still work; what you save is sent later.";
    }
    if (what) return needsLogin ? `${what} saved on this phone will be sent once you log in.` : `Sending ${what} saved on this phone…`;
    const sent = lastSent();
    return sent ? `Sent at ${clock(sent.at)}: ${counted(sent)} saved on this phone.` : "";
  }

  async function render() {
    if (!line) return;
    const all = await entries().catch(() => []);
    const text = headline(all.filter((e) => !e.refused));
    const refused = all.filter((e) => e.refused);
    const shown = line.querySelector(".offline-headline");
    if (shown?.textContent === text && line.dataset.refused === refused.map((e) => e.key).join()) return;
    const nodes = [];
    if (text) {
      const p = document.createElement("p");
      p.className = "offline-headline";
      p.textContent = text;
      nodes.push(p);
    }
    for (const entry of refused) nodes.push(refusedItem(entry));
    line.replaceChildren(...nodes);
    line.dataset.refused = refused.map((e) => e.key).join();
    line.dataset.state = unreachable ? "offline" : all.length ? "sending" : "online";
    line.hidden = nodes.length === 0;
  }

  function refusedItem(entry) {
    const p = document.createElement("p");
    p.className = "offline-refused";
    const noun = NOUNS[entry.kind]?.[0] || "entry";
    p.append(`Not sent: the ${noun} ${entry.label || ""} was refused (${entry.refused}). `);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button small";
    button.textContent = "Remove";
    button.addEventListener("click", async () => { await drop(entry.key); changed(); });
    p.append(button);
    return p;
  }

  // This tab changed the outbox: show it here and in the other tabs.
  function changed() {
    render();
    channel?.postMessage("changed");
  }
  if (channel) channel.onmessage = () => render();

  // -- when to try ----------------------------------------------------------------------
  window.addEventListener("online", () => { unreachable = false; check(); });
  window.addEventListener("offline", () => { unreachable = true; render(); schedule(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });

  // Today: have the service worker keep each routine's timeline at the current tempo.
  // The login page: have it drop the kept pages (they hold the diary).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    const worker = navigator.serviceWorker;
    if (location.pathname === "/") worker.ready.then((r) => r.active?.postMessage({ type: "warm" })).catch(() => {});
    if (location.pathname === "/login") worker.ready.then((r) => r.active?.postMessage({ type: "forget" })).catch(() => {});
  }

  window.CrampcoachOffline = {
    newKey,
    keep,
    flush,
    entries,
    isOffline: () => unreachable,
  };
  check();
})();
