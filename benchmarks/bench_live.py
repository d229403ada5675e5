"""How fast does the live camera answer? Frame-to-feedback latency over the real WebSocket.

Starts the real app (`crampcoach serve` in a subprocess on a free loopback port, its own
empty data directory), then a `websockets` client says hello (JPEG frames, the bedtime
routine's first step: the ankle-circles analyser runs) and sends 640x480 JPEG frames
decoded from the real footage (../shared/data/real/video.avi, looped) at each rate for
--seconds, without waiting for answers. Each frame's id comes back with its answer:
latency is from sending a frame to receiving its feedback. Frames the server replaced
with a newer one (its one-slot mailbox) come back "dropped". Goal: p95 < 60 ms at
640x480. Exits 1 when a rate misses it. Needs the "camera" extra; about 30 s.

With --sessions N it measures memory instead: N camera sessions one after another (each:
hello, the first step, --frames JPEG frames each answered before the next, stop, close),
--parallel at a time, and the server's resident memory (RSS) and thread count read from
/proc after each round (printed every --every sessions). Growth is the median RSS over
the last quarter of the rounds less the median over the first quarter after the
--warm-up sessions (the pose models loaded, their graphs run): RSS swings by some 100 MB
while four models work, so two single samples would say little. Goal: growth <
GOAL_GROWTH_MB and never more than GOAL_THREADS threads; exits 1 otherwise. --idle-wait S
also prints RSS S seconds after the last session (idle pose models close after
LiveLimits.model_idle_s, 120 s). About 5 minutes for 200 sessions, 4 at a time.

    .venv/bin/python benchmarks/bench_live.py [--data DIR] [--seconds 10] [--rates 15 30]
    .venv/bin/python benchmarks/bench_live.py --sessions 200 [--frames 20] [--parallel 4]
        [--idle-wait 130]
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
GOAL_GROWTH_MB = 64.0  # RSS growth over the sessions after the warm-up ones
GOAL_THREADS = 24  # the server's own, 4 pose threads, MediaPipe's threads for 4 graphs
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


async def one_session(port: int, frames: list[bytes], count: int, first: int) -> int:
    """One camera session from hello to close; the number of frames not analysed."""
    from websockets.asyncio.client import connect

    origin = f"http://127.0.0.1:{port}"
    missed = 0
    async with connect(f"ws://127.0.0.1:{port}/api/live", origin=origin, max_size=None) as ws:
        hello = {"type": "hello", "routine": "bedtime", "leg": "right", "tempo_s": 3}
        await ws.send(json.dumps({**hello, "frames": "jpeg"}))
        ready = json.loads(await asyncio.wait_for(ws.recv(), 120))
        if ready["type"] == "unavailable" and "busy" in ready["message"]:
            return -1  # the last sessions' sockets are still being closed: try again
        if ready["type"] != "ready":
            raise SystemExit(f"the server cannot coach a camera: {ready}")
        await ws.send(json.dumps({"type": "step", "index": 0}))
        await ws.recv()
        for frame_id in range(count):
            header = MAGIC + struct.pack(">Id", frame_id, frame_id / 15)
            await ws.send(header + frames[(first + frame_id) % len(frames)])
            answer = json.loads(await asyncio.wait_for(ws.recv(), 30))
            missed += answer["type"] != "feedback"
        await ws.send(json.dumps({"type": "stop"}))
        while json.loads(await asyncio.wait_for(ws.recv(), 30))["type"] != "stopped":
            pass
    return missed


def proc_status(pid: int) -> tuple[float, int]:
    """(resident memory in MB, threads) of a process, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["Threads"])


async def soak(port: int, pid: int, frames: list[bytes], args: argparse.Namespace) -> bool:
    """Run the sessions, print RSS as they go; True when the goals were met."""
    header = f"{'sessions':>8} {'RSS MB':>8} {'threads':>7} {'missed':>6} {'s':>6}"
    print(header + "\n" + "-" * len(header))
    start, missed, done, retries = time.perf_counter(), 0, 0, 0
    next_print = args.every
    samples: list[float] = []  # RSS after each round of sessions past the warm-up
    most_threads = 0
    rss, threads = proc_status(pid)
    print(f"{0:>8} {rss:>8.1f} {threads:>7} {0:>6} {0.0:>6.1f}")
    while done < args.sessions:
        batch = min(args.parallel, args.sessions - done)
        runs = [one_session(port, frames, args.frames, (done + i) * 7) for i in range(batch)]
        for result in await asyncio.gather(*runs):
            if result < 0:  # busy: the server was still closing the last sockets
                retries += 1
            else:
                missed += result
                done += 1
        await asyncio.sleep(0.05)
        rss, threads = proc_status(pid)
        most_threads = max(most_threads, threads)
        if done > args.warm_up:
            samples.append(rss)
        if done >= next_print or done == args.sessions:
            next_print = (done // args.every + 1) * args.every
            elapsed = time.perf_counter() - start
            print(f"{done:>8} {rss:>8.1f} {threads:>7} {missed:>6} {elapsed:>6.1f}")
    ended = time.perf_counter()
    for pause in (1.0, 5.0, *([args.idle_wait] if args.idle_wait else [])):
        await asyncio.sleep(max(0.0, pause - (time.perf_counter() - ended)))
        after, threads = proc_status(pid)
        print(f"{f'+{pause:g} s':>8} {after:>8.1f} {threads:>7}   (after the last session)")
    # RSS swings by some 100 MB while four models work; compare medians, not two samples.
    quarter = max(1, len(samples) // 4)
    early = statistics.median(samples[:quarter]) if samples else rss
    late = statistics.median(samples[-quarter:]) if samples else rss
    growth = late - early
    ok = growth < GOAL_GROWTH_MB and most_threads <= GOAL_THREADS and not missed
    print(
        f"\nRSS median {early:.1f} MB over the first quarter of sessions after the warm-up, "
        f"{late:.1f} MB over the last quarter: {growth:+.1f} MB (goal < {GOAL_GROWTH_MB:.0f})"
        f"\nthreads at most {most_threads} (goal <= {GOAL_THREADS}); {missed} frames not "
        f"analysed; {retries} sessions retried (busy): {'PASS' if ok else 'FAIL'}"
    )
    return ok


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the real clips")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds at each rate")
    parser.add_argument("--rates", type=float, nargs="+", default=[15.0, 30.0], help="fps")
    parser.add_argument("--quality", type=int, default=75, help="JPEG quality (browser: ~70)")
    parser.add_argument("--sessions", type=int, default=0, help="measure memory over N sessions")
    parser.add_argument("--frames", type=int, default=20, help="frames in each session")
    parser.add_argument("--parallel", type=int, default=4, help="sessions at a time")
    parser.add_argument("--warm-up", type=int, default=10, help="sessions before the baseline")
    parser.add_argument("--every", type=int, default=20, help="print RSS every N sessions")
    parser.add_argument(
        "--idle-wait", type=float, default=0, help="also RSS this long after the last session"
    )
    args = parser.parse_args()
    clip = args.data / CLIP
    if not clip.is_file():
        print(f"no footage at {clip.resolve()} (see shared/data/README.md)", file=sys.stderr)
        return 2
    frames = jpeg_frames(clip, args.quality)
    if args.sessions:
        return memory_main(frames, args)
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


def memory_main(frames: list[bytes], args: argparse.Namespace) -> int:
    print(
        f"live camera memory: {args.sessions} sessions of {args.frames} JPEG frames "
        f"(640x480 from {CLIP}), {args.parallel} at a time\n"
    )
    with tempfile.TemporaryDirectory(prefix="crampcoach-bench-") as tmp:
        port = free_port()
        server = start_server(Path(tmp) / "data", port)
        try:
            ok = asyncio.run(soak(port, server.pid, frames, args))
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
