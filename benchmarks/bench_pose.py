"""What does the camera path cost per frame? Decoding, the pose model, and each analyser.

For each clip of the real test footage (../shared/data/real/ from the project root):
decode ms/frame (OpenCV, BGR->RGB), pose ms/frame (MediaPipe Pose, model_complexity=1,
the first frame's model start-up left out) and the resulting frames/second of decode +
pose; then the same clip's frames scaled down (long side 960 and 640 px, and stretched to
640x480 for the reference figure of about 9.3 ms/frame) with how many frames still have a
person; then each analyser's own cost per frame over the frames just recorded (best of
--repeat runs) and its share of the pose call's cost. Goal: every analyser below 5 % of
the pose call. Exits 1 when one misses it. Needs the "camera" extra; about a minute.

    .venv/bin/python benchmarks/bench_pose.py [--data DIR] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from crampcoach.motion.track import Frame
from crampcoach.pose import MediaPipePose, probe, read_frames

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
CLIPS = ("video.avi", "plank_correct_001.mp4")
SHARE_GOAL = 0.05  # an analyser may cost at most this share of one pose call
REFERENCE_640_MS = 9.3


def analysers() -> dict[str, Callable[..., Any]]:
    """name -> factory(side=None) of each streaming analyser."""
    try:
        from crampcoach.motion.registry import ANALYSERS
    except ImportError:
        from crampcoach.motion.ankle_circles import AnkleCircles
        from crampcoach.motion.toe_points import ToePoints

        return {"ankle-circles": AnkleCircles, "toe-points": ToePoints}
    return dict(ANALYSERS)


def decode(path: Path) -> tuple[list[tuple[float, np.ndarray]], float]:
    """All frames of a clip and the decoding cost in ms/frame (best of two passes)."""
    best = float("inf")
    frames: list[tuple[float, np.ndarray]] = []
    for _ in range(2):
        start = time.perf_counter()
        frames = list(read_frames(path, max_side=None))
        best = min(best, (time.perf_counter() - start) * 1000 / len(frames))
    return frames, best


def pose_pass(images: list[tuple[float, np.ndarray]]) -> tuple[list[Frame], list[float]]:
    """Landmarks of each image and the pose call's ms for each (the first one is start-up)."""
    out: list[Frame] = []
    times: list[float] = []
    with MediaPipePose() as pose:
        for t, rgb in images:
            start = time.perf_counter()
            out.append(pose.estimate(rgb, t))
            times.append((time.perf_counter() - start) * 1000)
    return out, times


def resized(
    images: list[tuple[float, np.ndarray]], size: tuple[int, int]
) -> tuple[list[tuple[float, np.ndarray]], float]:
    import cv2

    start = time.perf_counter()
    out = [
        (t, np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))) for t, rgb in images
    ]
    return out, (time.perf_counter() - start) * 1000 / len(images)


def fit(width: int, height: int, side: int) -> tuple[int, int]:
    scale = side / max(width, height)
    return round(width * scale), round(height * scale)


def analyser_us(factory: Callable[..., Any], frames: list[Frame], repeat: int) -> float:
    """Best mean µs/frame of `update` over the frames, fresh analyser each run."""
    best = float("inf")
    for _ in range(repeat):
        analyser = factory(side=None)
        start = time.perf_counter()
        for frame in frames:
            analyser.update(frame)
        best = min(best, (time.perf_counter() - start) * 1e6 / len(frames))
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the real clips")
    parser.add_argument("--repeat", type=int, default=20, help="runs of each analyser")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no footage at {args.data.resolve()} (see shared/data/README.md)", file=sys.stderr)
        return 2
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"pose benchmark: {os.cpu_count()} CPUs, load average {load}")
    print("(pose ms: mean over the frames after the first; the first is the model start-up)\n")
    header = (
        f"{'clip':<24} {'input':>10} {'frames':>6} {'person':>6} {'decode':>8} "
        f"{'resize':>7} {'pose':>7} {'p90':>7} {'fps':>6}"
    )
    print(header + "\n" + "-" * len(header))
    recorded: dict[str, tuple[list[Frame], float]] = {}
    for clip in CLIPS:
        path = args.data / clip
        info = probe(path)
        images, decode_ms = decode(path)
        w, h = info.width, info.height
        sizes: list[tuple[str, tuple[int, int] | None]] = [
            (f"{w}x{h}", None),
            ("long 960", fit(w, h, 960)),
            ("long 640", fit(w, h, 640)),
            ("640x480", (640, 480)),
        ]
        for label, size in sizes:
            inputs, resize_ms = (images, 0.0) if size is None else resized(images, size)
            frames, times = pose_pass(inputs)
            pose_ms = statistics.fmean(times[1:])
            p90 = statistics.quantiles(times[1:], n=10)[-1]
            fps = 1000 / (decode_ms + resize_ms + pose_ms)
            found = sum(frame.found for frame in frames)
            if size is None:
                recorded[clip] = (frames, pose_ms)
            note = f"  (reference ~{REFERENCE_640_MS} ms)" if label == "640x480" else ""
            print(
                f"{clip:<24} {label:>10} {len(frames):>6} {found:>6} {decode_ms:>6.2f}ms "
                f"{resize_ms:>5.2f}ms {pose_ms:>5.1f}ms {p90:>5.1f}ms {fps:>6.1f}{note}"
            )
    print("\nanalysers: own cost per frame over the recorded frames, share of one pose call")
    header = f"{'analyser':<16} {'clip':<24} {'us/frame':>9} {'share':>7}  goal < 5 %"
    print(header + "\n" + "-" * len(header))
    failed = False
    for name, factory in analysers().items():
        for clip, (frames, pose_ms) in recorded.items():
            us = analyser_us(factory, frames, args.repeat)
            share = us / (pose_ms * 1000)
            verdict = "PASS" if share < SHARE_GOAL else "FAIL"
            failed |= verdict == "FAIL"
            print(f"{name:<16} {clip:<24} {us:>9.1f} {share:>6.2%}  {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
