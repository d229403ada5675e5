// "Show me how": an exercise step's demonstration, a figure drawn by skeleton.js (the live
// camera's renderer) from landmarks the server's own motion model makes
// (/api/demonstration), seen from where the exercise's camera advice puts the camera and
// shown mirrored like the camera preview. It plays in a loop, stops while out of sight,
// and with prefers-reduced-motion shows a few still pictures and a Play button instead.
// The player calls `CrampcoachDemo.enter(steps, index)` at each step; the toggles and the
// containers are in the page (player.html): a button with aria-controls naming a
// `.demo` container, and data-exercise for the intro's list of exercises.
(() => {
  "use strict";
  const EXERCISES = ["ankle-circles", "toe-points", "toe-writing", "childs-pose"];
  const BOTH_FIRST = "right";          // "both" legs start with the right, as the routines do
  const OPEN_TEXT = "Show me how", CLOSE_TEXT = "Hide demonstration";
  const GHOST_ALPHA = 0.4;
  const ACCENT = "#f0b45a", TEXT = "#ece6da", MUTED = "#a9a293", INSET_BG = "#07080b";
  const reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : null;
  const version = (document.currentScript?.src.match(/[?&]v=([^&]+)/) || [])[1] || "";
  const loaded = new Map();            // url -> promise of the demonstration

  function load(what) {
    const query = new URLSearchParams({ exercise: what.exercise });
    if (what.leg) query.set("leg", what.leg);
    if (what.direction) query.set("direction", what.direction);
    if (version) query.set("v", version);
    const url = `/api/demonstration?${query}`;
    if (!loaded.has(url)) {
      loaded.set(url, fetch(url, { headers: { Accept: "application/json" } }).then((response) => {
        if (!response.ok) throw new Error(`the server said ${response.status}`);
        return response.json();
      }).catch((err) => { loaded.delete(url); throw err; }));
    }
    return loaded.get(url);
  }

  const el = (tag, className, attrs = {}) => {
    const node = document.createElement(tag);
    node.className = className;
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };

  // -- one demonstration playing in one container ---------------------------------------
  function Viewer(container) {
    const view = el("div", "demo-view");
    const captionId = `${container.id}-caption`;
    const canvas = el("canvas", "demo-canvas", { role: "img", "aria-label": "Demonstration", "aria-describedby": captionId });
    const foot = el("div", "demo-foot");
    const caption = el("p", "demo-caption", { id: captionId });
    const controls = el("div", "demo-controls");
    const play = el("button", "button small demo-play", { type: "button" });
    const next = el("button", "button small demo-next", { type: "button" });
    const status = el("p", "demo-status", { role: "status" });
    next.textContent = "Next picture";
    view.append(canvas);
    controls.append(play, next);
    foot.append(caption, controls);
    container.replaceChildren(view, foot, status);
    canvas.dataset.frame = "-1";
    canvas.dataset.painted = "0";

    let data = null, playing = false, frame = 0, still = -1, started = 0, raf = null, token = 0;

    const inView = () => !document.hidden && !container.hidden && canvas.getClientRects().length > 0;

    function showControls() {
      play.textContent = playing ? "Pause" : "Play";
      play.hidden = !data;
      next.hidden = !data || playing || data.stills.length === 0;
    }

    function loop(now) {
      raf = null;
      if (!playing || !data || !inView()) return;
      // (a frame's timestamp may be a little before the moment it was asked for)
      const at = Math.floor((Math.max(0, now - started) / 1000) * data.fps) % data.frames.length;
      if (at !== frame || canvas.dataset.frame === "-1") { frame = at; paint(); }
      raf = window.requestAnimationFrame(loop);
    }

    function resume() {
      if (!playing || raf !== null || !data || !inView()) return;
      started = performance.now() - (frame / data.fps) * 1000;
      raf = window.requestAnimationFrame(loop);
    }

    function halt() {
      if (raf !== null) { window.cancelAnimationFrame(raf); raf = null; }
    }

    function setPlaying(on) {
      playing = on;
      if (on) { still = -1; resume(); } else halt();
      showControls();
      paint();
    }

    // -- drawing ---------------------------------------------------------------------
    // The canvas's pixels follow its size on screen (sharp on high-density screens).
    function fit() {
      const rect = canvas.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      const w = Math.round(rect.width * ratio), h = Math.round(rect.height * ratio);
      if (w && h && (canvas.width !== w || canvas.height !== h)) { canvas.width = w; canvas.height = h; }
      return w > 0 && h > 0;
    }

    // The image fitted into a rectangle of the canvas, keeping its shape.
    function fitted(x, y, w, h) {
      const scale = Math.min(w / data.width, h / data.height);
      const width = data.width * scale, height = data.height * scale;
      return { x: x + (w - width) / 2, y: y + (h - height) / 2, width, height };
    }

    // The whole figure, and beside it (on the working foot's side) a round close-up of
    // the foot, magnified so that small circles and letters can be seen.
    function layout() {
      const W = canvas.width, H = canvas.height, pad = Math.round(Math.min(W, H) * 0.03);
      const c = data.closeup;
      if (!c) return { main: fitted(pad, pad, W - 2 * pad, H - 2 * pad), inset: null, pad };
      const d = Math.min(H * 0.6, W * 0.42);
      const right = (data.mirrored ? 1 - c.x : c.x) >= 0.5;
      const main = fitted(right ? pad : pad + d + pad, pad, W - 3 * pad - d, H - 2 * pad);
      const footY = main.y + c.y * main.height;
      const r = d / 2;
      const cx = right ? W - pad - r : pad + r;
      const cy = Math.min(Math.max(footY, pad + r), H - pad - r);
      const zoom = r / (c.radius * main.height);
      const width = main.width * zoom, height = main.height * zoom;
      const x = cx - (data.mirrored ? 1 - c.x : c.x) * width, y = cy - c.y * height;
      return { main, inset: { cx, cy, r, box: { x, y, width, height } }, pad, right };
    }

    // The trail landmark's path over frames first..last, fading in; an arrow at its end.
    function path(ctx, at, first, last, size, arrow) {
      const lm = data.trail.landmark, points = [];
      for (let k = first; k <= last; k += 1) if (data.frames[k]) points.push(at(data.frames[k][lm]));
      if (points.length < 2) return;
      ctx.save();
      ctx.strokeStyle = ACCENT;
      ctx.fillStyle = ACCENT;
      ctx.lineCap = "round";
      ctx.lineWidth = size;
      for (let k = 1; k < points.length; k += 1) {
        ctx.globalAlpha = 0.15 + 0.75 * (k / (points.length - 1));
        ctx.beginPath();
        ctx.moveTo(...points[k - 1]);
        ctx.lineTo(...points[k]);
        ctx.stroke();
      }
      if (arrow) {
        const [x, y] = points[points.length - 1];
        const [px, py] = points[Math.max(0, points.length - 3)];
        const angle = Math.atan2(y - py, x - px), len = size * 4.5;
        ctx.globalAlpha = 1;
        ctx.beginPath();
        ctx.moveTo(x + Math.cos(angle) * len * 0.6, y + Math.sin(angle) * len * 0.6);
        ctx.lineTo(x + Math.cos(angle + 2.5) * len, y + Math.sin(angle + 2.5) * len);
        ctx.lineTo(x + Math.cos(angle - 2.5) * len, y + Math.sin(angle - 2.5) * len);
        ctx.closePath();
        ctx.fill();
      }
      ctx.restore();
    }

    function trailFor(i) {
      const t = data.trail;
      if (!t) return null;
      const span = t.spans.find(([s, e]) => i >= s && i < e);
      if (!span) return null;
      const back = t.seconds === null ? span[0] : Math.max(span[0], i - Math.round(t.seconds * data.fps));
      return [back, i];
    }

    function labelFor(i) {
      return data.labels.find((l) => i >= l.start && i < l.end)?.text || "";
    }

    // The figure at frame i in box b: ghosts and path of a still picture, or the trail.
    function scene(ctx, b, size, i, picture) {
      const skeleton = window.CrampcoachSkeleton;
      const at = skeleton.projector(ctx, b, data.mirrored);
      const options = { box: b, mirror: data.mirrored, highlight: data.highlight, far: data.far, size };
      if (picture) {
        const ghost = { ...options, highlight: data.ghost, far: [], only: true, alpha: GHOST_ALPHA };
        for (const g of picture.ghosts) skeleton.draw(ctx, data.frames[g], ghost);
        if (picture.path && data.trail) path(ctx, at, picture.path[0], picture.path[1], size * 1.1, true);
      } else {
        const span = trailFor(i);
        if (span) path(ctx, at, span[0], span[1], size * 1.1, false);
      }
      return skeleton.draw(ctx, data.frames[i], options);
    }

    function paint() {
      if (!data || !fit()) return;
      const ctx = canvas.getContext("2d");
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const { main, inset, pad, right } = layout();
      const size = Math.max(2, main.height / 110);
      const picture = still >= 0 ? data.stills[still] : null;
      const i = picture ? picture.frame : frame;
      const drawn = scene(ctx, main, size, i, picture);
      if (data.trail) {  // where the foot's tip is on screen (for the tests, and debugging)
        const [tx, ty] = window.CrampcoachSkeleton.projector(ctx, main, data.mirrored)(data.frames[i][data.trail.landmark]);
        canvas.dataset.tip = `${tx.toFixed(1)},${ty.toFixed(1)}`;
      }
      if (inset) {
        const c = data.closeup, ring = Math.max(1, size / 2);
        const [fx, fy] = window.CrampcoachSkeleton.projector(ctx, main, data.mirrored)([c.x, c.y]);
        ctx.save();
        ctx.strokeStyle = MUTED;
        ctx.lineWidth = ring;
        ctx.setLineDash([ring * 3, ring * 3]);
        ctx.beginPath();
        ctx.arc(fx, fy, c.radius * main.height, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.arc(inset.cx, inset.cy, inset.r, 0, 2 * Math.PI);
        ctx.fillStyle = INSET_BG;
        ctx.fill();
        ctx.clip();
        scene(ctx, inset.box, size * 1.5, i, picture);
        ctx.restore();
        ctx.save();
        ctx.strokeStyle = MUTED;
        ctx.lineWidth = ring;
        ctx.beginPath();
        ctx.arc(inset.cx, inset.cy, inset.r, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.restore();
      }
      const text = picture ? (picture.label || "") : labelFor(i);
      if (text) {
        ctx.save();
        ctx.fillStyle = TEXT;
        ctx.font = `700 ${Math.round(canvas.height / 9)}px system-ui, sans-serif`;
        ctx.textBaseline = "top";
        ctx.textAlign = inset && right ? "right" : "left";
        ctx.fillText(text, inset && right ? canvas.width - pad : pad, pad);
        ctx.restore();
      }
      canvas.dataset.frame = String(i);
      canvas.dataset.landmarks = String(drawn);
      canvas.dataset.painted = String(Number(canvas.dataset.painted) + 1);
    }

    // -- what the page asks -------------------------------------------------------------
    async function show(what) {
      const mine = ++token;
      halt();
      data = null;
      showControls();
      canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
      delete container.dataset.exercise;
      status.textContent = "Loading the demonstration…";
      let got;
      try {
        got = await load(what);
      } catch (err) {
        if (mine === token) status.textContent = `The demonstration could not be loaded (${err.message}).`;
        return;
      }
      if (mine !== token) return;
      data = got;
      status.textContent = "";
      caption.textContent = data.caption;
      canvas.setAttribute("aria-label", data.description);
      container.dataset.exercise = data.exercise;
      container.dataset.view = data.view;
      frame = 0;
      still = -1;
      canvas.dataset.frame = "-1";
      const calm = reducedMotion?.matches;
      if (calm && data.stills.length) still = 0;
      setPlaying(!calm);
    }

    function stop() { token += 1; halt(); }

    play.addEventListener("click", () => setPlaying(!playing));
    next.addEventListener("click", () => {
      if (!data || !data.stills.length) return;
      still = (still + 1) % data.stills.length;
      paint();
    });
    document.addEventListener("visibilitychange", () => (document.hidden ? halt() : resume()));
    if ("IntersectionObserver" in window) {
      new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) { resume(); if (!playing) paint(); } else halt();
      }).observe(canvas);
    }
    window.addEventListener("resize", () => { if (!playing) paint(); });
    return { show, stop, redraw: () => { resume(); paint(); } };
  }

  // -- toggles: a button opens its container (aria-controls) and closes it again --------
  const viewers = new Map();
  function viewer(container) {
    if (!viewers.has(container)) viewers.set(container, Viewer(container));
    return viewers.get(container);
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", String(open));
    const label = button.querySelector(".demo-toggle-text") || button;
    label.textContent = open ? CLOSE_TEXT : OPEN_TEXT;
  }

  function close(container) {
    viewers.get(container)?.stop();
    container.hidden = true;
    for (const b of document.querySelectorAll(`[aria-controls="${container.id}"]`)) setOpen(b, false);
  }

  function open(button, container, what) {
    for (const b of document.querySelectorAll(`[aria-controls="${container.id}"]`)) setOpen(b, b === button);
    container.hidden = false;
    viewer(container).show(what);
  }

  // The step's demonstration; a rest shows the exercise that follows it.
  function demonstrated(steps, index) {
    let step = steps[index];
    if (step && step.kind === "rest") {
      step = steps.slice(index + 1).find((s) => s.kind !== "rest" && s.exercise_id === step.exercise_id);
    }
    if (!step || !EXERCISES.includes(step.exercise_id)) return null;
    return { exercise: step.exercise_id, leg: step.leg, direction: step.direction };
  }

  // -- the player's stage: one toggle that follows the steps ---------------------------
  const stageButton = document.getElementById("demo-toggle");
  const stageBox = stageButton && document.getElementById(stageButton.getAttribute("aria-controls"));
  let current = null;
  const same = (a, b) => a && b && a.exercise === b.exercise && a.leg === b.leg && a.direction === b.direction;

  function enter(steps, index) {
    if (!stageButton || !stageBox) return;
    const what = demonstrated(steps, index);
    const changed = !same(what, current);
    current = what;
    stageButton.hidden = what === null;
    if (what === null) { close(stageBox); return; }
    if (changed && !stageBox.hidden) viewer(stageBox).show(what);
  }

  if (stageButton && stageBox) {
    setOpen(stageButton, false);
    stageButton.addEventListener("click", () => {
      if (!stageBox.hidden) close(stageBox);
      else if (current) open(stageButton, stageBox, current);
    });
  }

  // -- the intro's list: one toggle per exercise, for the leg chosen there -------------
  function chosenLeg() {
    const checked = document.querySelector('#intro input[name="leg"]:checked');
    const leg = checked ? checked.value : document.getElementById("player")?.dataset.leg;
    return leg === "left" || leg === "right" ? leg : BOTH_FIRST;
  }

  for (const button of document.querySelectorAll("button[data-exercise][aria-controls]")) {
    const exercise = button.dataset.exercise;
    const container = document.getElementById(button.getAttribute("aria-controls"));
    if (!container || !EXERCISES.includes(exercise)) continue;
    button.hidden = false;
    setOpen(button, false);
    button.addEventListener("click", () => {
      if (!container.hidden && button.getAttribute("aria-expanded") === "true") { close(container); return; }
      button.closest("li")?.append(container);  // right under the exercise it shows
      const foot = exercise !== "childs-pose";
      open(button, container, {
        exercise,
        leg: foot ? chosenLeg() : null,
        direction: exercise === "ankle-circles" ? "clockwise" : null,
      });
    });
  }
  // A leg chosen while an intro demonstration is open: show that leg.
  document.querySelectorAll('#intro input[name="leg"]').forEach((input) => input.addEventListener("change", () => {
    const button = document.querySelector('button[data-exercise][aria-expanded="true"]');
    if (button) { button.setAttribute("aria-expanded", "false"); button.click(); }
  }));

  window.CrampcoachDemo = { EXERCISES, enter };
})();
