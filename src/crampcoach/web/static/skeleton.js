// The skeleton drawing shared by the live camera (camera.js) and the "Show me how"
// demonstrations (demo.js): MediaPipe Pose's 33 landmarks as bones and joints on a canvas.
// Landmarks are [x, y] or [x, y, visibility], x and y from 0 to 1 across the image.
(() => {
  "use strict";
  const SEEN = 0.5;                    // landmark visibility drawn
  const EDGES = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24],
    [23, 25], [25, 27], [24, 26], [26, 28], [27, 29], [29, 31], [27, 31], [28, 30], [30, 32], [28, 32]];
  const FEET = new Set([27, 28, 29, 30, 31, 32]);
  const FACE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const COLORS = { bone: "#8cb4f0", joint: "#ece6da", foot: "#f0b45a", working: "#f0b45a", rest: "#ece6da" };

  const seen = (p) => p && (p.length < 3 || p[2] >= SEEN);

  // Where the image's (x, y) lands on the canvas: `box` is the image's rectangle there
  // (the whole canvas by default); `mirror` flips it left to right, like a mirror.
  function projector(ctx, box, mirror) {
    const b = box || { x: 0, y: 0, width: ctx.canvas.width, height: ctx.canvas.height };
    return ([x, y]) => [b.x + (mirror ? 1 - x : x) * b.width, b.y + y * b.height];
  }

  // The head as a circle around the ears and nose (its size from the torso's length).
  function drawHead(ctx, points, at, width) {
    const [l, r, nose] = [points[7], points[8], points[0]];
    if (![l, r, nose, points[11], points[12], points[23], points[24]].every(seen)) return;
    const ears = at([(l[0] + r[0]) / 2, (l[1] + r[1]) / 2]);
    const tip = at(nose);
    const mid = (a, b) => [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const shoulders = at(mid(points[11], points[12])), hips = at(mid(points[23], points[24]));
    const torso = Math.hypot(shoulders[0] - hips[0], shoulders[1] - hips[1]);
    const centre = [0.65 * ears[0] + 0.35 * tip[0], 0.65 * ears[1] + 0.35 * tip[1]];
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.arc(centre[0], centre[1], Math.max(4, 0.24 * torso), 0, 2 * Math.PI);
    ctx.stroke();
  }

  // Draws the skeleton and returns how many joints it drew. Options:
  //   box, mirror      where the image lies on the canvas (see projector)
  //   highlight        landmark indices of the working part: drawn bright and thick, the
  //                    rest dimmer, the face as a head; without it, the live camera's look
  //   far              landmark indices of the side away from the camera: drawn faintest,
  //                    behind the rest
  //   only             draw only the highlighted part (a faded "ghost" of another moment)
  //   size             line width in canvas pixels (joints scale with it)
  function draw(ctx, points, options = {}) {
    if (!points) return 0;
    const at = projector(ctx, options.box, options.mirror);
    const width = options.box ? options.box.width : ctx.canvas.width;
    if (!options.highlight) {
      // The live camera's look: every seen bone in blue, joints light, the feet amber.
      const r = Math.max(3, width / 120);
      ctx.lineWidth = Math.max(2, width / 200);
      ctx.strokeStyle = COLORS.bone;
      for (const [a, b] of EDGES) {
        if (!seen(points[a]) || !seen(points[b])) continue;
        ctx.beginPath();
        ctx.moveTo(...at(points[a]));
        ctx.lineTo(...at(points[b]));
        ctx.stroke();
      }
      let drawn = 0;
      points.forEach((p, i) => {
        if (!seen(p)) return;
        ctx.fillStyle = FEET.has(i) ? COLORS.foot : COLORS.joint;
        ctx.beginPath();
        ctx.arc(...at(p), r, 0, 2 * Math.PI);
        ctx.fill();
        drawn += 1;
      });
      return drawn;
    }
    const working = new Set(options.highlight);
    const far = new Set((options.far || []).filter((i) => !working.has(i)));
    const partOf = (i) => (working.has(i) ? "working" : far.has(i) ? "far" : "rest");
    const edgeOf = (a, b) => (partOf(a) === partOf(b) ? partOf(a) : "rest");
    const size = options.size || Math.max(2, width / 90);
    const parts = [
      { name: "far", colour: COLORS.rest, alpha: 0.25, line: size * 0.8, joint: size * 0.6 },
      { name: "rest", colour: COLORS.rest, alpha: 0.55, line: size, joint: size * 0.8 },
      { name: "working", colour: COLORS.working, alpha: 1, line: size * 1.6, joint: size * 1.25 },
    ];
    ctx.save();
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    let drawn = 0;
    for (const part of parts) {
      if (options.only && part.name !== "working") continue;
      ctx.globalAlpha = part.alpha * (options.alpha ?? 1);
      ctx.strokeStyle = part.colour;
      ctx.fillStyle = part.colour;
      ctx.lineWidth = part.line;
      for (const [a, b] of EDGES) {
        if (edgeOf(a, b) !== part.name) continue;
        if (!seen(points[a]) || !seen(points[b])) continue;
        ctx.beginPath();
        ctx.moveTo(...at(points[a]));
        ctx.lineTo(...at(points[b]));
        ctx.stroke();
      }
      if (part.name === "rest") drawHead(ctx, points, at, size);
      points.forEach((p, i) => {
        if (FACE.includes(i) || partOf(i) !== part.name || !seen(p)) return;
        ctx.beginPath();
        ctx.arc(...at(p), part.joint, 0, 2 * Math.PI);
        ctx.fill();
        drawn += 1;
      });
    }
    ctx.restore();
    return drawn;
  }

  window.CrampcoachSkeleton = { EDGES, draw, projector };
})();
