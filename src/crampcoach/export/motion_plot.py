"""A picture of an analysis: the toe's path (foot exercises) and the live measure over
time with the counted events marked, with matplotlib (imported when a plot is asked for)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from crampcoach.errors import UserError
from crampcoach.motion.landmarks import leg
from crampcoach.motion.points import image_leg
from crampcoach.motion.registry import Analysis
from crampcoach.motion.track import Frame

VALUE_LABEL = {
    "ankle-circles": "turning (rad/s, + = your clockwise)",
    "toe-points": "toes pointed (deg from neutral)",
    "toe-writing": "toe speed (shank lengths/s)",
    "childs-pose": "in the pose (1 = held)",
}


def _pyplot():  # type: ignore[no-untyped-def]
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError("--plot needs matplotlib: pip install matplotlib") from None
    return plt


def _toe_path(frames: list[Frame], side: str) -> np.ndarray:
    _hip, knee, ankle, _heel, toe, _shoulder = leg(side)  # type: ignore[arg-type]
    rows = []
    for frame in frames:
        points = image_leg(frame, side, need=(knee, ankle, toe))  # type: ignore[arg-type]
        if points is not None and points.shank > 0:
            rows.append((frame.t, *((points.toe - points.knee) / points.shank)))
    return np.array(rows) if rows else np.zeros((0, 3))


def write_plot(path: Path, frames: list[Frame], analysis: Analysis) -> None:
    plt = _pyplot()
    result = analysis.result
    exercise = result["exercise"]
    side = result.get("side")
    panels = 2 if side else 1
    figure, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.5), squeeze=False)
    if side:
        path_axes = axes[0][0]
        toe = _toe_path(frames, side)
        if len(toe):
            dots = path_axes.scatter(toe[:, 1], toe[:, 2], c=toe[:, 0], s=4, cmap="viridis")
            figure.colorbar(dots, ax=path_axes, label="time (s)")
        path_axes.invert_yaxis()  # as the camera sees it: y down
        path_axes.set_aspect("equal", adjustable="datalim")
        path_axes.set_title(f"{side} toe tip, relative to the knee (camera view)")
        path_axes.set_xlabel("shank lengths")
    signal_axes = axes[0][-1]
    times = [f.t for f in analysis.feedback]
    values = [np.nan if f.value is None else f.value for f in analysis.feedback]
    signal_axes.plot(times, values, lw=1)
    for feedback in analysis.feedback:
        for event in feedback.events:
            colour = (
                "tab:red" if "counterclockwise" in event or event.endswith("end") else "tab:green"
            )
            signal_axes.axvline(feedback.t, color=colour, alpha=0.5, lw=0.8)
    signal_axes.set_xlabel("time (s)")
    signal_axes.set_ylabel(VALUE_LABEL.get(exercise, "value"))
    signal_axes.set_title(f"{exercise}: events marked")
    figure.tight_layout()
    try:
        figure.savefig(os.fspath(path), dpi=110)
    except OSError as exc:
        raise UserError(f"cannot write the plot {path}: {exc.strerror or exc}") from None
    finally:
        plt.close(figure)
