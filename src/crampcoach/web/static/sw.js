// The service worker: what a person needs at night opens and works with the server
// unreachable (the computer asleep, the phone out of the home network).
//
// - The app shell (static files, the manifest) and the pages Today, Diary and the players
//   are fetched from the network first and kept; when the network fails or is slow, the
//   kept copy answers. Pages are kept as the person opens them, and Today and the players
//   are fetched when the worker installs.
// - The timelines the players fetch (/api/timeline) are kept too, and fetched for every
//   routine and leg at the player's tempo when the worker installs and when Today loads,
//   so a routine plays offline. Demonstrations (/api/demonstration) are kept once fetched.
// - No other API answer is ever kept: the diary's data (/api/episodes ...) stays out.
// - What is logged offline waits in IndexedDB (static/offline.js), not here.
//
// The cache is named by the app's version (the server writes it in below); a new version
// starts a new cache and the old one is deleted.
"use strict";

const VERSION = "__CRAMPCOACH_VERSION__";
const CACHE = `crampcoach-${VERSION}`;
const SHELL = [
  "/static/app.css", "/static/app.js", "/static/offline.js", "/static/diary.js",
  "/static/player.js", "/static/camera.js", "/static/skeleton.js", "/static/demo.js",
  "/static/demo.css", "/static/htmx.min.js",
  "/static/icons/icon-192.png", "/static/icons/icon-512.png", "/manifest.webmanifest",
];
const PAGES = /^\/(diary|play\/[a-z0-9][a-z0-9-]*)?$/;  // "/", "/diary", "/play/NAME"
const LEGS = ["left", "right", "both"];
const WAIT_MS = 4000;  // a slower network answers from the cache (and still refreshes it)
const WARM_EVERY_MS = 10 * 60 * 1000;
let warmedAt = 0;

// -- what is kept, and under which key ----------------------------------------------------
// The key of a request worth keeping, else null (the request goes to the network as usual).
function keyOf(url) {
  if (url.origin !== self.location.origin) return null;
  const path = url.pathname;
  if (path.startsWith("/static/") || path === "/manifest.webmanifest") return path;  // ?v= only busts caches
  if (PAGES.test(path)) return path.startsWith("/play/") ? path + url.search : path;
  if (path === "/api/timeline") return timelineKey(url.searchParams);
  if (path === "/api/demonstration") return path + url.search;
  return null;
}

// One key per routine, leg and tempo however the query is written ("2" and "2.0" alike).
function timelineKey(params) {
  const query = new URLSearchParams();
  query.set("routine", params.get("routine") || "");
  query.set("leg", params.get("leg") || "");
  const tempo = params.get("tempo_s");
  query.set("tempo_s", tempo === null || tempo === "" ? "" : String(Number(tempo)));
  return `/api/timeline?${query}`;
}

// Only a page's own full answer is kept: not a redirect (to /login), an error, a part
// of a page (htmx), nor a Diary filtered or paged (the plain Diary answers for those).
function keepable(request, url, response) {
  if (!response.ok || response.redirected || response.type !== "basic") return false;
  if (request.headers.get("HX-Request")) return false;
  return !(url.pathname === "/diary" && url.search);
}

// -- answering --------------------------------------------------------------------------
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const key = keyOf(url);
  if (key === null) return;
  if (url.pathname === "/api/demonstration") event.respondWith(cacheFirst(event, request, key));
  else event.respondWith(networkFirst(event, request, url, key));
});

async function networkFirst(event, request, url, key) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then((response) => {
    // Kept while the page already reads it (the worker lives until the copy is stored).
    if (keepable(request, url, response)) event.waitUntil(cache.put(key, response.clone()).catch(() => {}));
    return response;
  });
  event.waitUntil(network.then(() => undefined, () => undefined));
  let timer = null;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, WAIT_MS, null); });
  try {
    const answer = await Promise.race([network, late]);
    if (answer) return answer;
  } catch (_) {
    // unreachable: the kept copy answers below
  } finally {
    clearTimeout(timer);
  }
  const kept = await cache.match(key) || await keptPage(cache, url);
  if (kept) return kept;
  try {
    return await network;  // nothing kept: wait for the network after all
  } catch (err) {
    if (request.mode === "navigate") return offlinePage();
    throw err;
  }
}

// A player opened offline with another query (?leg=right) than the one kept: the kept
// page of that routine will do; its leg can still be chosen before Start.
async function keptPage(cache, url) {
  if (!url.pathname.startsWith("/play/")) return null;
  return (await cache.match(url.pathname)) || (await cache.match(url.pathname, { ignoreSearch: true }));
}

async function cacheFirst(event, request, key) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(key);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") event.waitUntil(cache.put(key, response.clone()));
  return response;
}

function offlinePage() {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · crampcoach</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main id="main"><h1>crampcoach is not reachable</h1>
<p>This page was not saved on this phone. Today, the diary and the routines work offline:</p>
<p><a class="button" href="/">Today</a> <a class="button" href="/diary">Diary</a></p>
</main></body></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// -- keeping ahead of time ----------------------------------------------------------------
async function keep(cache, path, credentials = "same-origin") {
  const url = new URL(path, self.location.origin);
  const request = new Request(url, { credentials });
  const response = await fetch(request);
  if (!keepable(request, url, response)) return null;
  await cache.put(keyOf(url), response.clone());
  return response;
}

// Each routine's player and its timelines (every leg, at the tempo the player page will
// ask for), and, when the worker installs, Today and the Diary. Best effort: whatever
// fails (no login yet, say) is kept later, when the person opens it. The Diary is asked
// for without the session cookie: showing it takes the one-time "Saved" message a form
// post may have just left there for the person's own page.
async function warm({ pages }) {
  const cache = await caches.open(CACHE);
  if (pages) {
    await Promise.all([keep(cache, "/"), keep(cache, "/diary", "omit")].map((p) => p.catch(() => null)));
  }
  const routines = await fetch("/api/routines").then((r) => (r.ok ? r.json() : []));
  for (const routine of routines) {
    const page = await keep(cache, `/play/${encodeURIComponent(routine.name)}`).catch(() => null);
    const tempo = page ? (await page.text()).match(/data-tempo="([^"]+)"/) : null;
    if (!tempo) continue;
    await Promise.all(LEGS.map((leg) => {
      const query = new URLSearchParams({ routine: routine.name, leg, tempo_s: String(parseFloat(tempo[1])) });
      return keep(cache, `/api/timeline?${query}`).catch(() => null);
    }));
  }
  warmedAt = Date.now();
}

async function keepShell(cache) {
  // One by one: a file missing from this version does not stop the others.
  await Promise.all(SHELL.map((path) => keep(cache, path).catch(() => null)));
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await keepShell(cache);
    await warm({ pages: true }).catch(() => {});
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("crampcoach-") && n !== CACHE).map((n) => caches.delete(n)));
  })());  // no clients.claim(): a page is served by the worker from its next load on
});

// From the pages (offline.js): "warm" when Today loads (the tempo or leg may have changed);
// "forget" on the login page: the kept pages hold the diary, and whoever logs in next
// should not find them.
self.addEventListener("message", (event) => {
  const type = event.data?.type;
  if (type === "warm" && Date.now() - warmedAt > WARM_EVERY_MS) {
    event.waitUntil(warm({ pages: false }).catch(() => {}));
  } else if (type === "forget") {
    event.waitUntil(forgetPages());
  }
});

async function forgetPages() {
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (PAGES.test(new URL(request.url).pathname)) await cache.delete(request);
  }
}
