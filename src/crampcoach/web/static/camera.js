// Live camera coaching for the player: optional, off until the person turns it on, asked
// for each time. Frames (JPEG, at most 640x480) go to the server over a WebSocket, one at
// a time: the next is sent once the last was answered (or after a timeout), so a slow
// server or network never piles frames up. The server answers with landmarks and what its
// analyser counted; they are drawn over a mirrored preview. Nothing is recorded: frames
// exist only in memory, here and on the server. Protocol: web/live_protocol.py.
(() => {
  "use strict";
  const MAX_W = 640, MAX_H = 480, JPEG_QUALITY = 0.7;
  const MIN_INTERVAL_MS = 66;          // at most about 15 frames a second
  const ANSWER_TIMEOUT_MS = 1500;      // an unanswered frame: send the next one anyway
  const MAX_BUFFERED = 1 << 20;        // bytes waiting in the socket: skip frames meanwhile
  const STOP_TIMEOUT_MS = 2500;
  const HINT_GAP_MS = 8000;            // a spoken hint at most this often
  const SEEN_RECENTLY_MS = 2000;       // the camera counts only while it sees the person
  const MAX_ERRORS_IN_A_ROW = 10;      // frames the server could not use: give up, saying why
  const MAGIC = [0x43, 0x43, 0x46, 0x31];  // "CCF1"
  const TITLES = { "ankle-circles": "ankle circles", "toe-points": "toe points",
    "toe-writing": "toe writing", "childs-pose": "child's pose" };
  const MESSAGES = {
    NotAllowedError: "Camera permission was denied.",
    SecurityError: "Camera permission was denied.",
    NotFoundError: "No camera was found.",
    OverconstrainedError: "No camera was found that can be used.",
    NotReadableError: "The camera is busy (is another program using it?).",
    AbortError: "The camera could not be started.",
  };
  const GOING_ON = " The routine goes on without it.";

  const sentence = (text) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

  function randomKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // `leg()` is asked when the camera connects: the person may choose it just before.
  function create({ routine, leg, tempo, say, onCount }) {
    const $ = (id) => document.getElementById(id);
    const section = $("camera"), video = $("camera-video"), canvas = $("camera-skeleton");
    const key = randomKey();
    let state = "off";                 // off | starting | on
    let stream = null, socket = null, pump = null, startedAt = 0, used = false;
    let inFlight = null, lastSent = 0, encoding = false, nextId = 1;
    let step = { index: -1, exercise: null, unit: null, planned: null, direction: null };
    let lastCount = null, lastHint = "", lastHintAt = 0, stopped = null, seenAt = -Infinity;
    const stats = { sent: 0, analysed: 0, dropped: 0, unanswered: 0, errors: 0, latency: 0 };
    let errorsInARow = 0;
    const grab = document.createElement("canvas");

    function setState(next, message) {
      state = next;
      section.dataset.state = next;
      section.closest(".player").dataset.camera = next;
      $("camera-panel").hidden = next === "off";
      $("camera-toggle").textContent = next === "off" ? "Camera off" : "Camera on";
      $("camera-toggle").setAttribute("aria-pressed", String(next !== "off"));
      if (message !== undefined) $("camera-status").textContent = message;
      showCount();
    }

    // -- turning it on and off ------------------------------------------------------
    async function start() {
      if (state !== "off") return;
      if (unavailable()) return;
      setState("starting", "Asking for the camera…");
      let opened;
      try {
        opened = await navigator.mediaDevices.getUserMedia({
          audio: false, video: { width: { ideal: MAX_W }, height: { ideal: MAX_H }, facingMode: "user" },
        });
      } catch (err) {
        if (state === "starting") {
          setState("off", (MESSAGES[err?.name] || `The camera could not be started (${err?.message || err}).`) + GOING_ON);
        }
        return;
      }
      if (state !== "starting") { opened.getTracks().forEach((t) => t.stop()); return; }  // turned off meanwhile
      stream = opened;
      const track = opened.getVideoTracks()[0];
      track?.addEventListener("ended", () => {
        if (stream === opened) stop("The camera stopped (was it unplugged?)." + GOING_ON);
      });
      video.srcObject = opened;
      try { await video.play(); } catch (_) { /* autoplay of a muted video is allowed */ }
      if (stream !== opened) return;
      startedAt = performance.now();
      $("camera-status").textContent = "Starting the camera coach…";
      connect();
    }

    function connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const ws = new WebSocket(`${scheme}://${location.host}/api/live`);
      socket = ws;
      ws.binaryType = "arraybuffer";
      ws.addEventListener("open", () => ws.send(JSON.stringify({
        type: "hello", protocol: 1, routine, leg: leg(), tempo_s: tempo, session: key, frames: "jpeg",
      })));
      // Events of a socket already given up (the camera turned off and on again) are ignored.
      ws.addEventListener("message", (event) => {
        if (socket === ws && typeof event.data === "string") answer(JSON.parse(event.data));
      });
      ws.addEventListener("close", () => {
        if (socket === ws && state !== "off") stop("Lost the connection to the camera coach." + GOING_ON);
      });
    }

    function stop(message) {
      if (pump !== null) { window.clearInterval(pump); pump = null; }
      if (socket !== null) { const s = socket; socket = null; try { s.close(); } catch (_) { /* closed */ } }
      if (stream !== null) { stream.getTracks().forEach((t) => t.stop()); stream = null; }
      video.srcObject = null;
      inFlight = null;
      clearSkeleton();
      setState("off", message || "The camera is off.");
      if (stopped) { stopped(); stopped = null; }
    }

    // -- frames out -------------------------------------------------------------------
    function sendFrame() {
      if (state !== "on" || socket === null || encoding || video.readyState < 2) return;
      const now = performance.now();
      if (inFlight !== null) {
        if (now - inFlight.sentAt < ANSWER_TIMEOUT_MS) return;
        stats.unanswered += 1;   // given up on: the next frame goes anyway
        inFlight = null;
      }
      if (now - lastSent < MIN_INTERVAL_MS || socket.bufferedAmount > MAX_BUFFERED) return;
      const scale = Math.min(1, MAX_W / video.videoWidth, MAX_H / video.videoHeight);
      grab.width = Math.round(video.videoWidth * scale);
      grab.height = Math.round(video.videoHeight * scale);
      grab.getContext("2d").drawImage(video, 0, 0, grab.width, grab.height);
      const id = nextId++, t = (now - startedAt) / 1000;
      encoding = true;
      lastSent = now;
      grab.toBlob(async (blob) => {
        try {
          if (!blob) return;
          const jpeg = new Uint8Array(await blob.arrayBuffer());
          const ws = socket;  // the camera may have been stopped meanwhile
          if (ws === null || ws.readyState !== WebSocket.OPEN || state !== "on") return;
          const message = new Uint8Array(16 + jpeg.length);
          const view = new DataView(message.buffer);
          MAGIC.forEach((b, i) => view.setUint8(i, b));
          view.setUint32(4, id);
          view.setFloat64(8, t);
          message.set(jpeg, 16);
          inFlight = { id, sentAt: performance.now() };
          ws.send(message);
          stats.sent += 1;
        } finally {
          encoding = false;
        }
      }, "image/jpeg", JPEG_QUALITY);
    }

    // -- answers in -------------------------------------------------------------------
    function answered(id) {
      if (inFlight !== null && inFlight.id === id) {
        stats.latency = Math.round(performance.now() - inFlight.sentAt);
        inFlight = null;
      }
    }

    function answer(m) {
      if (m.type === "ready") {
        used = true;
        setState("on", "Camera on: only what it counts is kept, never the pictures.");
        sendStep();
        pump = window.setInterval(sendFrame, 15);
      } else if (m.type === "unavailable") {
        stop(`${sentence(m.message)}${GOING_ON}`);
      } else if (m.type === "feedback") {
        answered(m.id);
        errorsInARow = 0;
        stats.analysed = m.stats.analysed;
        stats.dropped = m.stats.dropped;
        show(m);
      } else if (m.type === "dropped") {
        answered(m.id);
      } else if (m.type === "error") {
        answered(m.id);
        stats.errors += 1;
        errorsInARow += 1;
        if (errorsInARow >= MAX_ERRORS_IN_A_ROW) {
          stop(`The camera coach cannot use these frames: ${m.message}.${GOING_ON}`);
          return;
        }
      } else if (m.type === "step") {
        step = { index: m.index, exercise: m.exercise, unit: m.unit, planned: m.planned, direction: m.direction };
        lastCount = null;
        showCount();
      } else if (m.type === "stopped") {
        if (stopped) { stopped(); stopped = null; }
      }
      showStats();
    }

    function show(m) {
      drawSkeleton(m.landmarks);
      if (m.landmarks && !(m.hint || "").startsWith("I can't see")) seenAt = performance.now();
      if (m.step === step.index && m.exercise) {
        const count = m.count === null ? null : Math.floor(m.count);
        if (step.unit === "reps" && count !== null && lastCount !== null && count > lastCount) onCount(count);
        lastCount = count;
        showCount(count);
      }
      $("camera-measure").textContent = measure(m);
      // Toe writing: a tick for the letter just written when it reads as the one asked for.
      const wrote = (m.events || []).find((e) => e.startsWith("letter:"));
      if (wrote) {
        const ok = (m.events || []).includes(`recognised:${wrote.slice(7)}`);
        $("camera-measure").dataset.tick = ok ? wrote.slice(7) : "";
      }
      const tick = m.exercise === "toe-writing" ? $("camera-measure").dataset.tick : "";
      if (tick) $("camera-measure").textContent += ` · ${tick} ✓`;
      const placement = m.placement;
      $("camera-placement").textContent = placement ? placementText(placement) : "";
      $("camera-placement").dataset.ok = placement ? String(placement.ok) : "";
      $("camera-hint").textContent = m.hint || "";
      speakHint(m.hint);
    }

    // A new hint is said at once (but not twice within a few seconds); one that stays is
    // repeated now and then, so the person need not look at the screen.
    function speakHint(hint) {
      const now = performance.now();
      const fresh = hint !== lastHint && now - lastHintAt > HINT_GAP_MS / 3;
      if (hint && (fresh || now - lastHintAt > HINT_GAP_MS)) {
        say(hint);
        lastHint = hint;
        lastHintAt = now;
      }
    }

    function placementText(p) {
      const title = TITLES[p.exercise] || p.exercise;
      return p.ok ? `Ready for ${title}: the camera is placed well.` : `For ${title}: ${p.advice}.`;
    }

    function measure(m) {
      if (m.exercise === "ankle-circles") return m.direction ? `Turning ${m.direction}` : "Circle your toes";
      if (m.exercise === "toe-points") {
        const angle = m.angle_deg === null ? "–" : `${Math.round(m.angle_deg)}°`;
        return `Point ${angle} · best point ${Math.round(m.best.plantarflexion || 0)}°, best flex ${Math.round(m.best.dorsiflexion || 0)}°`;
      }
      if (m.exercise === "toe-writing") return `Letters seen: ${Math.floor(m.count || 0)}`;
      if (m.exercise === "childs-pose") return `Held ${Math.floor(m.hold_s || 0)} s${m.holding ? " · holding" : " · not in the pose"}`;
      return "";
    }

    function showCount(count) {
      const el = $("camera-count");
      const counting = state === "on" && step.exercise !== null && step.index >= 0;
      el.hidden = !counting;
      if (!counting) return;
      const shown = count === undefined ? (lastCount ?? 0) : (count ?? 0);
      el.textContent = step.unit === "seconds" ? `Camera: held ${shown} s` : `Camera: ${shown}/${step.planned}`;
      el.dataset.count = String(shown);
    }

    function showStats() {
      const el = $("camera-stats");
      el.dataset.sent = String(stats.sent);
      el.dataset.analysed = String(stats.analysed);
      el.dataset.dropped = String(stats.dropped + stats.unanswered);
      el.textContent = `Frames analysed ${stats.analysed} · dropped ${stats.dropped + stats.unanswered} · ${stats.latency} ms`;
    }

    // -- the skeleton (drawn by skeleton.js, shared with the demonstrations) ----------
    function clearSkeleton() {
      canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
      canvas.dataset.landmarks = "0";
    }

    function drawSkeleton(points) {
      if (video.videoWidth && (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight)) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
      }
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      if (!points) { canvas.dataset.landmarks = "0"; return; }
      const drawn = window.CrampcoachSkeleton.draw(ctx, points);
      canvas.dataset.landmarks = String(drawn);
      canvas.dataset.drawn = String(Number(canvas.dataset.drawn || 0) + 1);
    }

    // -- what the player tells it ---------------------------------------------------
    function sendStep() {
      if (state === "on" && socket?.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "step", index: step.index }));
      }
    }

    function enter(index) {
      if (index === step.index) return;
      step = { index, exercise: null, unit: null, planned: null, direction: null };
      lastCount = null;
      showCount();
      sendStep();
    }

    // The session ended: the server settles the last step's figures before it is saved.
    function finish() {
      if (state !== "on" || socket?.readyState !== WebSocket.OPEN) {
        stop();
        return Promise.resolve(used ? key : null);
      }
      return new Promise((resolve) => {
        const timer = window.setTimeout(() => { stopped = null; stop(); resolve(key); }, STOP_TIMEOUT_MS);
        stopped = () => { window.clearTimeout(timer); resolve(key); };
        socket.send(JSON.stringify({ type: "stop" }));
      }).then((k) => { if (state !== "off") stop(); return k; });
    }

    // Not a secure page, or a browser without cameras: said at once, in one line with
    // the fix, and the toggle is off for good.
    function unavailable() {
      const why = window.crampcoachFeatures?.missing("camera")
        ?? (navigator.mediaDevices?.getUserMedia ? null : { message: "This browser cannot share a camera with a web page." });
      if (!why) return false;
      setState("off");
      $("camera-toggle").disabled = true;
      if (window.crampcoachFeatures) window.crampcoachFeatures.explain($("camera-status"), why.message);
      else $("camera-status").textContent = why.message;
      section.dataset.missing = why.reason || "unsupported";
      return true;
    }

    $("camera-toggle").addEventListener("click", () => (state === "off" ? start() : stop()));
    setState("off");
    unavailable();
    return {
      enter,
      finish,
      // The camera counts this step's repetitions (and sees the person): the player
      // speaks its count instead of the timed one.
      countsReps: (index) => state === "on" && step.index === index && step.exercise !== null
        && step.unit === "reps" && performance.now() - seenAt < SEEN_RECENTLY_MS,
      key: () => (used ? key : null),
      state: () => ({ state, step: step.index, ...stats }),
    };
  }

  window.CrampcoachCamera = { create };
})();
