"""How fast does the live camera answer? Frame-to-feedback latency over the real WebSocket.

Starts the real app (`crampcoach serve` in a subprocess on a free loopback port, its own
empty data directory), then a `websockets` client says hello (JPEG frames, the bedtime
routine's first step: the ankle-circles analyser runs) and sends 640x480 JPEG frames
decoded from the real footage (../shared/data/real/video.avi, looped) at each rate for
--seconds, without waiting for answers. Each frame's id comes back with its answer:
latency is from sending a frame to receiving its feedback. Frames the server replaced
with a newer one (its one-slot mailbox) come back "dropped". Goal: p95 < 60 ms at
640x480. Exits 1 when a rate misses it. Needs the "camera" extra; about 30 s.

    .venv/bin/python benchmarks/bench_live.py [--data DIR] [--seconds 10] [--rates 15 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"
CLIP = "video.avi"
SIZE = (640, 480)
GOAL_P95_MS = 60.0
MAGIC = b"CCF1"


@dataclass
class Run:
    fps: float
    sent: dict[int, float] = field(default_factory=dict)  # id -> send time
    latency_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    dropped: int = 0
    errors: int = 0
    found: int = 0  # analysed frames with a person

    @property
    def answered(self) -> int:
        return len(self.latency_ms) + self.dropped + self.errors


def jpeg_frames(path: Path, quality: int) -> list[bytes]:
    """Every frame of the clip at 640x480 as JPEG (what a browser would send)."""
    import cv2

    from crampcoach.pose import read_frames

    out = []
    for _t, rgb in read_frames(path):
        bgr = cv2.cvtColor(cv2.resize(rgb, SIZE, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2BGR)
        ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
        assert ok
        out.append(data.tobytes())
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPCOACH_")}
    env["CRAMPCOACH_DATA_DIR"] = str(data_dir)
    command = [sys.executable, "-m", "crampcoach", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"crampcoach serve exited: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("crampcoach serve did not start within 60 s")


async def measure(port: int, frames: list[bytes], fps: float, seconds: float) -> Run:
    from websockets.asyncio.client import connect

    run = Run(fps)
    origin = f"http://127.0.0.1:{port}"
    async with connect(f"ws://127.0.0.1:{port}/api/live", origin=origin, max_size=None) as ws:
        hello = {"type": "hello", "routine": "bedtime", "leg": "right", "tempo_s": 3}
        await ws.send(json.dumps({**hello, "frames": "jpeg"}))
        ready = json.loads(await asyncio.wait_for(ws.recv(), 120))
        if ready["type"] != "ready":
            raise SystemExit(f"the server cannot coach a camera: {ready}")
        await ws.send(json.dumps({"type": "step", "index": 0}))
        await ws.recv()  # the step's answer

        async def receive() -> None:
            async for message in ws:
                answer = json.loads(message)
                now = time.perf_counter()
                if answer["type"] == "feedback":
                    run.latency_ms.append((now - run.sent[answer["id"]]) * 1000)
                    run.server_ms.append(answer["server_ms"])
                    run.found += answer["landmarks"] is not None
                elif answer["type"] == "dropped":
                    run.dropped += 1
                elif answer["type"] == "error":
                    run.errors += 1

        receiver = asyncio.create_task(receive())
        start = time.perf_counter()
        count = int(seconds * fps)
        for frame_id in range(count):  # open loop: at the rate, whatever comes back
            due = start + frame_id / fps
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            header = MAGIC + struct.pack(">Id", frame_id, time.perf_counter() - start)
            run.sent[frame_id] = time.perf_counter()
            await ws.send(header + frames[frame_id % len(frames)])
        deadline = time.perf_counter() + 5
        while run.answered < count and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        receiver.cancel()
    return run


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the real clips")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds at each rate")
    parser.add_argument("--rates", type=float, nargs="+", default=[15.0, 30.0], help="fps")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (browser: ~70)")
    args = parser.parse_args()
    clip = args.data / CLIP
    if not clip.is_file():
        print(f"no footage at {clip.resolve()} (see shared/data/README.md)", file=sys.stderr)
        return 2
    frames = jpeg_frames(clip, args.quality)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"live camera benchmark: {os.cpu_count()} CPUs, load average {load}")
    kb = statistics.fmean(len(f) for f in frames) / 1024
    print(f"{CLIP}: {len(frames)} frames at {SIZE[0]}x{SIZE[1]}, JPEG q{args.quality} ~{kb:.0f} kB")
    print("latency: send -> feedback for that frame; server: its receive -> answer\n")
    goal = f"goal p95 < {GOAL_P95_MS:.0f} ms"
    header = (
        f"{'fps':>4} {'sent':>5} {'analysed':>8} {'dropped':>7} {'errors':>6} {'person':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'server p50':>10}  {goal}"
    )
    print(header + "\n" + "-" * len(header))
    failed = False
    with tempfile.TemporaryDirectory(prefix="crampcoach-bench-") as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "data", port)
        try:
            for fps in args.rates:
                run = asyncio.run(measure(port, frames, fps, args.seconds))
                p95 = percentile(run.latency_ms, 95)
                verdict = "PASS" if p95 < GOAL_P95_MS and not run.errors else "FAIL"
                failed |= verdict == "FAIL"
                print(
                    f"{fps:>4.0f} {len(run.sent):>5} {len(run.latency_ms):>8} {run.dropped:>7} "
                    f"{run.errors:>6} {run.found:>6} {percentile(run.latency_ms, 50):>7.1f} "
                    f"{p95:>7.1f} {max(run.latency_ms, default=float('nan')):>7.1f} "
                    f"{percentile(run.server_ms, 50):>10.1f}  {verdict}"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
