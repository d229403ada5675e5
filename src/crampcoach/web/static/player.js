// The guided player. It plays the timeline the server's engine built and logs what the
// person pressed; the server replays that log through the same engine to count what was
// done. This file only shows, speaks and logs: it has no counting of its own to save.
// With the camera on (camera.js), the server's analysers count too: the camera's count is
// spoken instead of the timed one, and its figures are saved beside what was done.
(() => {
  "use strict";
  const root = document.getElementById("player");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const cfg = {
    routine: root.dataset.routine,
    leg: root.dataset.leg,
    tempo: parseFloat(root.dataset.tempo),
    speed: parseFloat(root.dataset.speed) || 1,
    voice: root.dataset.voice === "true",
  };
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const RING = 2 * Math.PI * 54;
  const EPS = 1e-9;
  const LONG_CRAMP_S = 600;  // NHS: see a doctor if a cramp lasts longer than 10 minutes

  let timeline = null;
  let t0 = null;            // performance.now() at start, ms
  let pausedTotal = 0;
  let pausedSince = null;
  let index = 0, entered = 0, cuePtr = 0, confirmed = false, finished = false;
  let lastCue = "";
  let startedAt = null;
  let saved = false, saving = false;
  let saveKey = null;  // the save's idempotency key: sent again (offline.js), it is stored once
  let wakeLock = null;
  let timer = null;
  const commands = [];
  let muted = !cfg.voice || localStorage.getItem("crampcoach.muted") === "1";
  let cameraKey = null;
  const camera = window.CrampcoachCamera ? window.CrampcoachCamera.create({
    routine: cfg.routine, leg: () => cfg.leg, tempo: cfg.tempo,
    say: (text) => { if (pausedSince === null) say(text); },  // hints: #camera-hint is their live region
    onCount: (n) => { if (pausedSince === null) { say(String(n)); announce(String(n)); } },
  }) : null;

  // Session clock: routine seconds since the start, pauses included (what the log uses).
  const clock = () => ((performance.now() - t0) / 1000) * cfg.speed;
  const active = () => (pausedSince !== null ? pausedSince : clock()) - pausedTotal;
  const step = () => (finished ? null : timeline.steps[index]);
  const log = (name) => commands.push({ at_s: Math.round(clock() * 1000) / 1000, name });

  // While a routine plays the page is the player alone: no site navigation (app.css).
  function setStatus(s) {
    root.dataset.status = s;
    document.body.classList.toggle("playing", s === "running" || s === "paused");
  }

  // What a screen reader hears: one live region (#count) says each cue once, and each
  // count once (the timed one, or the camera's while it counts). #cue only shows.
  function announce(text) {
    if (text) $("count").textContent = text;
  }

  function say(text) {
    if (muted || !text || !("speechSynthesis" in window)) return;
    window.speechSynthesis.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.rate = 0.95;
    window.speechSynthesis.speak(u);
  }

  function enter(i, at) {
    index = i; entered = at; cuePtr = 0; confirmed = false;
    camera?.enter(i);
    window.CrampcoachDemo?.enter(timeline.steps, i);  // "Show me how" follows the step (demo.js)
  }

  function leaveTo(i, at) {
    if (i >= timeline.steps.length) { finished = true; return; }
    enter(i, at);
  }

  // Cues due together (a step's title and its first count) are said and announced as one.
  function emitCues(s, elapsed) {
    const spoken = [], shown = [];
    while (cuePtr < s.cues.length && s.cues[cuePtr].at_s <= elapsed + EPS) {
      const cue = s.cues[cuePtr++];
      lastCue = cue.text;
      const speech = cueSpeech(s, cue);
      if (speech) spoken.push(speech);
      const text = speech === cue.say ? cue.text : speech;  // without the number the camera counts
      if (text) shown.push(text);
    }
    if (spoken.length) say(spoken.join(" "));
    if (shown.length) announce(shown.map((t) => t.replace(/[.:]?$/, ".")).join(" "));
  }

  // While the camera counts a step's repetitions it speaks the count; the timed cue keeps
  // only its words ("Point your toes down"), not its number.
  function cueSpeech(s, cue) {
    if (cue.kind !== "rep" || !camera?.countsReps(s.index)) return cue.say;
    return (cue.say || "").replace(/^\d+\.?\s*/, "") || null;
  }

  function tick() {
    if (t0 === null || finished) return;
    const now = active();
    while (!finished) {
      const s = timeline.steps[index];
      const elapsed = now - entered;
      emitCues(s, elapsed);
      if (elapsed + EPS < s.duration_s) break;
      if (s.kind === "confirm" && !confirmed) break;  // waits for the person
      leaveTo(index + 1, entered + s.duration_s);
    }
    if (finished) { end(); return; }
    render();
  }

  function completed(s, elapsed) {
    const e = Math.min(Math.max(elapsed, 0), s.duration_s);
    if (s.unit === "reps" || s.unit === "letters") return Math.min(s.planned, Math.floor(e / s.unit_s + EPS));
    return e;
  }

  function title(s) {
    if (s.kind === "rest") return s.instruction;
    return s.label + (s.leg ? ` (${s.leg} leg)` : "");
  }

  function clockText(seconds) {
    const whole = Math.max(0, Math.ceil(seconds - EPS));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }

  function render() {
    const s = step();
    if (!s) return;
    const elapsed = Math.min(Math.max(active() - entered, 0), s.duration_s);
    const done = completed(s, elapsed);
    let figure = "";
    if (s.kind === "reps") {
      figure = `${Math.min(done + 1, s.planned)}/${s.planned}`;
    } else if (s.kind === "letters") {
      figure = s.letters[Math.min(done, s.letters.length - 1)];
    } else if (s.kind === "confirm") {
      figure = clockText(active() - entered);  // how long it has lasted so far
    } else {
      figure = clockText(s.duration_s - elapsed);
    }
    $("exercise").textContent = s.kind === "rest" ? "Rest" : s.exercise_title;
    $("step-title").textContent = title(s);
    $("instruction").textContent = s.kind === "rest" ? "" : s.instruction;
    $("figure").textContent = figure;
    $("cue").textContent = lastCue;
    $("ring").style.strokeDashoffset = String(RING * (1 - elapsed / s.duration_s));
    const waiting = s.kind === "confirm" && elapsed >= s.duration_s && !confirmed;
    $("confirm").hidden = s.kind !== "confirm";
    $("long-cramp").hidden = !(s.kind === "confirm" && active() - entered >= LONG_CRAMP_S);
    $("confirm").classList.toggle("pulse", waiting);
    const following = timeline.steps[index + 1];
    $("next").textContent = following ? `Next: ${following.kind === "rest" ? "rest" : title(following)}` : "Next: your summary";
    const progress = Math.min(100, ((timeline.starts[index] + elapsed) / timeline.total_s) * 100);
    $("progress-fill").style.width = `${progress}%`;
    $("progress").setAttribute("aria-valuenow", String(Math.round(progress)));
    $("paused").hidden = pausedSince === null;
    $("pause").textContent = pausedSince === null ? "Pause" : "Resume";
    root.dataset.step = String(index);
    root.dataset.kind = s.kind;
  }

  // -- commands -----------------------------------------------------------------------
  function pauseToggle() {
    if (finished || t0 === null) return;
    if (pausedSince === null) { log("pause"); pausedSince = clock(); setStatus("paused"); window.speechSynthesis?.cancel(); }
    else { log("resume"); pausedTotal += clock() - pausedSince; pausedSince = null; setStatus("running"); }
    render();
  }

  function next() {
    if (finished || t0 === null) return;
    tick();
    if (finished) return;
    const s = step();
    if (s.kind === "confirm") { confirm(); return; }
    log("next");
    leaveTo(index + 1, active());
    afterJump();
  }

  function confirm() {
    if (finished || t0 === null) return;
    const s = step();
    if (s.kind !== "confirm") return;
    tick();
    log("confirm");
    confirmed = true;
    leaveTo(index + 1, active());
    afterJump();
  }

  function back() {
    if (finished || t0 === null) return;
    tick();
    if (finished) return;
    log("back");
    const s = step();
    let target = index;
    if (active() - entered < 2 || s.kind === "rest") {
      target = index - 1;
      while (target > 0 && timeline.steps[target].kind === "rest") target -= 1;
      target = Math.max(target, 0);
    }
    enter(target, active());
    afterJump();
  }

  function stop() {
    if (finished || t0 === null) return;
    tick();
    if (finished) return;
    log("stop");
    if (pausedSince !== null) { pausedTotal += clock() - pausedSince; pausedSince = null; }
    finished = true;
    end();
  }

  function afterJump() {
    if (finished) { end(); return; }
    emitCues(step(), active() - entered);
    render();
  }

  // -- start and end ------------------------------------------------------------------
  // Keep-awake: held while the routine plays, its state in #player[data-wake] and #wake.
  // Browsers let go of it when the page is hidden; it is asked for again when the page
  // is shown (visibilitychange below).
  function showWake(state, message) {
    root.dataset.wake = state;
    if (window.crampcoachFeatures) window.crampcoachFeatures.explain($("wake"), message);
    else $("wake").textContent = message;
  }

  function wakeMissing() {
    return window.crampcoachFeatures?.missing("wakeLock")
      ?? ("wakeLock" in navigator ? null : { reason: "unsupported", message: "This browser cannot keep the screen awake." });
  }

  async function requestWakeLock() {
    const why = wakeMissing();
    if (why) { showWake(why.reason, why.message); return; }
    if (wakeLock !== null || document.visibilityState !== "visible") return;
    try {
      const lock = await navigator.wakeLock.request("screen");
      if (finished) { lock.release().catch(() => {}); return; }
      wakeLock = lock;
      showWake("held", "Screen kept awake");
      lock.addEventListener("release", () => {
        if (wakeLock !== lock) return;
        wakeLock = null;
        if (!finished) showWake("released", "The screen may sleep: keep-awake was let go (it comes back when you return to this page).");
      });
    } catch (err) {
      showWake("refused", `The screen may sleep: the browser would not keep it awake (${err?.name || err}).`);
    }
  }

  function releaseWakeLock() {
    const lock = wakeLock;
    wakeLock = null;
    lock?.release().catch(() => {});
    if (root.dataset.wake === "held" || root.dataset.wake === "released") showWake("idle", "");
  }

  // The leg chosen in the intro (left, right or both) is the session's.
  function chosenLeg() {
    const checked = document.querySelector('#intro input[name="leg"]:checked');
    return checked ? checked.value : cfg.leg;
  }

  async function start() {
    $("start").disabled = true;
    cfg.leg = chosenLeg();
    try {
      const url = `/api/timeline?routine=${encodeURIComponent(cfg.routine)}&leg=${cfg.leg}&tempo_s=${cfg.tempo}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`the server said ${response.status}`);
      timeline = await response.json();
    } catch (err) {
      $("start").disabled = false;
      $("start").textContent = "Try again";
      alert(`Could not load the routine: ${err.message}`);
      return;
    }
    let offset = 0;
    timeline.starts = timeline.steps.map((s) => { const at = offset; offset += s.duration_s; return at; });
    $("intro").hidden = true;
    $("stage").hidden = false;
    $("dock").hidden = false;
    window.scrollTo(0, 0);
    startedAt = new Date();
    t0 = performance.now();
    enter(0, 0);
    setStatus("running");
    requestWakeLock();
    tick();
    timer = window.setInterval(tick, 40);
    $("pause").focus();
  }

  function payload() {
    return JSON.stringify({
      routine: cfg.routine, leg: cfg.leg, tempo_s: cfg.tempo,
      started_at: startedAt.toISOString(), ended_at: new Date().toISOString(), commands,
      camera: cameraKey ?? camera?.key() ?? null,
    });
  }

  async function save(keepalive) {
    if (saved || saving || startedAt === null) return;
    saving = true;
    try {
      const body = payload();
      saveKey ??= window.CrampcoachOffline?.newKey() ?? null;
      let response;
      try {
        response = await fetch("/api/sessions", {
          method: "POST", keepalive,
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, Accept: "application/json", ...(saveKey && { "Idempotency-Key": saveKey }) },
          body,
        });
      } catch (err) {  // crampcoach unreachable: kept on this phone, sent when it is back
        if (!window.CrampcoachOffline) throw err;
        await window.CrampcoachOffline.keep({ kind: "session", url: "/api/sessions", body: JSON.parse(body), key: saveKey, label: `(${timeline?.routine_title ?? cfg.routine})` });
        saved = true;
        return { queued: true };
      }
      if (!response.ok) throw new Error(`the server said ${response.status}`);
      saved = true;
      return await response.json();
    } finally {
      saving = false;
    }
  }

  function amount(value, unit) {
    if (unit === "seconds") return `${Math.round(value)} s`;
    if (unit === "confirm") return value ? "yes" : "no";
    return String(Math.round(value));
  }

  function cameraCell(s) {
    if (s.camera_done === null || s.camera_done === undefined) return "–";
    const range = s.camera_range_deg === null ? "" : ` · range ${Math.round(s.camera_range_deg)}°`;
    return `${amount(s.camera_done, s.unit)}${range} <span class="seen">(seen ${Math.round(s.camera_seen * 100)}%)</span>`;
  }

  async function end() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    if (commands.length === 0 || commands[commands.length - 1].name !== "stop") log("end");
    finished = true;
    releaseWakeLock();
    $("stage").hidden = true;
    $("dock").hidden = true;
    $("camera").hidden = true;
    $("tools").hidden = true;
    $("summary").hidden = false;
    $("save-status").textContent = "Saving…";
    setStatus("finished");
    say("Finished.");
    try {
      if (camera) cameraKey = await camera.finish();
      const record = await save(false);
      if (record?.queued) { $("save-status").textContent = "Saved on this phone; it will be sent to your diary when crampcoach is reachable."; setStatus("queued"); $("summary-title").focus?.(); return; }
      const rows = record.steps.filter((s) => s.kind !== "rest").map((s) =>
        `<tr><td>${escapeHtml(s.label)}</td><td class="hide-narrow">${s.leg || "–"}</td><td>${amount(s.planned, s.unit)}</td><td>${amount(s.done, s.unit)}</td><td class="camera-cell">${cameraCell(s)}</td><td class="status-${s.status.replace(" ", "-")}">${s.status}</td></tr>`);
      $("summary-rows").innerHTML = rows.join("");
      // The server's verdict, by the one rule of the work done (session/work_done.py): done,
      // or what was skipped; never "well done" for buttons pressed.
      $("verdict").textContent = record.verdict;
      $("save-status").textContent = "Saved to your diary.";
      setStatus("saved");
    } catch (err) {
      $("save-status").textContent = `Could not save this session (${err.message}).`;
      setStatus("save-failed");
    }
    $("summary-title").focus?.();
  }

  function escapeHtml(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // -- wiring -------------------------------------------------------------------------
  $("start").addEventListener("click", start);
  $("pause").addEventListener("click", pauseToggle);
  $("skip").addEventListener("click", next);
  $("back").addEventListener("click", back);
  $("stop").addEventListener("click", stop);
  $("confirm").addEventListener("click", confirm);
  const showMute = () => {
    $("mute").textContent = muted ? "Voice off" : "Voice on";
    $("mute").setAttribute("aria-pressed", String(muted));
  };
  $("mute").addEventListener("click", () => {
    muted = !muted;
    localStorage.setItem("crampcoach.muted", muted ? "1" : "0");
    if (muted) window.speechSynthesis?.cancel();
    showMute();
  });
  showMute();
  const missingWake = wakeMissing();  // said before the start, in the intro
  if (missingWake) showWake(missingWake.reason, missingWake.message);

  document.addEventListener("keydown", (e) => {
    if (t0 === null || finished || e.altKey || e.ctrlKey || e.metaKey) return;
    const onButton = e.target instanceof HTMLButtonElement;
    if (e.key === " " && !onButton) { e.preventDefault(); pauseToggle(); }
    else if (e.key === "n" || e.key === "ArrowRight") { e.preventDefault(); next(); }
    else if (e.key === "b" || e.key === "ArrowLeft") { e.preventDefault(); back(); }
    else if (e.key === "Escape" || e.key === "q") { e.preventDefault(); stop(); }
    else if (e.key === "Enter" && !onButton && step()?.kind === "confirm") { e.preventDefault(); confirm(); }
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && t0 !== null && !finished) requestWakeLock();
  });
  // Leaving mid-session saves what was done so far.
  window.addEventListener("pagehide", () => {
    if (t0 !== null && !finished && !saved) { log("stop"); save(true); }
  });

  window.crampcoachPlayer = {
    state: () => ({ index, finished, saved, paused: pausedSince !== null, commands: commands.length, camera: camera?.state() ?? null }),
  };
})();
