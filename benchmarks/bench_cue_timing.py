"""How late does the terminal coach show its cues?

Runs a whole routine with the real `crampcoach` command, compressed in time (--speed),
and reads the hidden --cue-log: one JSON line per cue shown, with `late_ms`, how many wall
milliseconds after its schedule the cue was on screen. Runs:

* plain   stdout is a pipe: timestamped lines;
* pty     stdout is a pseudo-terminal (100x32): the full-screen display, so the cost of
          rendering every frame is included;
* pty+voice  as pty with espeak-ng speaking each cue (only when espeak-ng is on PATH):
          speech must never hold up the timeline.

Goal: p99 late_ms <= 50 in every run. Exits 1 when a run misses it (or a run fails, or
cues are missing).

    .venv/bin/python benchmarks/bench_cue_timing.py [--speed 20] [--routine bedtime]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from pathlib import Path

GOAL_P99_MS = 50.0
COLUMNS, ROWS = 100, 32


@dataclass
class Result:
    mode: str
    late_ms: list[float]
    expected_cues: int | None
    wall_s: float
    note: str = ""

    def percentile(self, p: float) -> float:
        """Linear interpolation between closest ranks (numpy's default)."""
        values = sorted(self.late_ms)
        if not values:
            return math.nan
        rank = (len(values) - 1) * p / 100
        low, high = math.floor(rank), math.ceil(rank)
        return values[low] + (values[high] - values[low]) * (rank - low)

    @property
    def complete(self) -> bool:
        return self.expected_cues is None or len(self.late_ms) == self.expected_cues

    @property
    def passed(self) -> bool:
        return bool(self.late_ms) and self.complete and self.percentile(99) <= GOAL_P99_MS


def crampcoach_executable() -> str:
    beside = Path(sys.executable).parent / "crampcoach"
    if beside.exists():
        return str(beside)
    found = shutil.which("crampcoach")
    if found is None:
        sys.exit("bench_cue_timing: the crampcoach command is not installed (pip install -e .)")
    return found


def expected_cue_count(routine: str) -> int | None:
    """Cues in the routine's timeline (the defaults: right leg, 3 s tempo), when the
    package imports here; used to check that no cue went missing."""
    try:
        from crampcoach.protocol import load_routine
        from crampcoach.session import build_timeline

        return len(build_timeline(load_routine(routine), leg="right").cue_times())
    except Exception:  # not importable here, or a routine the command will reject itself
        return None


def clean_env(data_dir: Path) -> dict[str, str]:
    dropped = {"FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES", "NO_COLOR"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("CRAMPCOACH_")
    }
    env["CRAMPCOACH_DATA_DIR"] = str(data_dir)  # benchmark sessions stay out of the diary
    return env


def read_cue_log(path: Path) -> list[float]:
    with path.open(encoding="utf-8") as handle:
        return [float(json.loads(line)["late_ms"]) for line in handle if line.strip()]


def run_plain(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        check=False,
    )
    return result.returncode, result.stderr.decode(errors="replace").strip()


def run_in_pty(command: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run with stdin, stdout and stderr on a 100x32 pseudo-terminal; a thread drains the
    master side all the time so the child never blocks on a full terminal buffer."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = {**env, "TERM": "xterm-256color"}
    received = bytearray()
    done = threading.Event()

    def drain() -> None:
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every slave side is closed
                    return
                if not chunk:
                    return
                received.extend(chunk)
            elif done.is_set():
                return

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,  # Ctrl-C here stops the benchmark, not the child first
        )
    finally:
        os.close(slave)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.kill()
        raise
    finally:
        done.set()
        reader.join(timeout=5)
        os.close(master)
    text = received.decode(errors="replace")
    if code != 0:
        return code, text[-400:].strip()
    if "\x1b[?1049h" not in text:
        return 1, "the full-screen display never started (no alternate screen in the output)"
    return 0, ""


def run_mode(
    mode: str, routine: str, speed: float, *, voice: bool, work: Path, expected: int | None
) -> Result:
    cue_log = work / f"cues-{mode.replace('+', '-')}.jsonl"
    command = [
        crampcoach_executable(),
        "routine",
        routine,
        "--speed",
        f"{speed:g}",
        "--no-input",
        "--voice" if voice else "--no-voice",
        "--cue-log",
        str(cue_log),
    ]
    env = clean_env(work / f"data-{mode.replace('+', '-')}")
    print(f"running {mode:<10} {' '.join(command[1:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    runner = run_plain if mode == "plain" else run_in_pty
    code, detail = runner(command, env)
    wall = time.monotonic() - started
    if code != 0:
        return Result(mode, [], expected, wall, note=f"exit {code}: {detail}")
    return Result(mode, read_cue_log(cue_log), expected, wall)


def print_table(results: list[Result], speed: float, routine: str) -> None:
    header = (
        f"{'mode':<10} {'cues':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'wall s':>7}  result"
    )
    print(f"cue lateness: routine {routine} at --speed {speed:g}; goal p99 <= {GOAL_P99_MS:g} ms")
    print(header)
    print("-" * len(header))
    for r in results:
        cues = f"{len(r.late_ms)}" + ("" if r.complete else f"/{r.expected_cues}")
        if r.late_ms:
            figures = " ".join(
                f"{value:8.2f}"
                for value in (r.percentile(50), r.percentile(95), r.percentile(99), max(r.late_ms))
            )
        else:
            figures = " ".join(f"{'-':>8}" for _ in range(4))
        verdict = "PASS" if r.passed else "FAIL"
        if not r.complete and r.late_ms:
            verdict += " (cues missing)"
        print(f"{r.mode:<10} {cues:>5} {figures} {r.wall_s:7.1f}  {verdict}")
        if r.note:
            print(f"    {r.note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speed", type=float, default=20.0, help="time compression (20)")
    parser.add_argument("--routine", default="bedtime", help="routine name or file (bedtime)")
    args = parser.parse_args(argv)
    if not args.speed > 0:
        parser.error("--speed must be positive")

    expected = expected_cue_count(args.routine)
    modes: list[tuple[str, bool]] = [("plain", False), ("pty", False)]
    if shutil.which("espeak-ng"):
        modes.append(("pty+voice", True))
    else:
        print("espeak-ng is not on PATH: no voice run", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="crampcoach-bench-") as tmp:
        work = Path(tmp)
        results = [
            run_mode(mode, args.routine, args.speed, voice=voice, work=work, expected=expected)
            for mode, voice in modes
        ]
    print_table(results, args.speed, args.routine)
    ok = all(r.passed for r in results)
    print("overall:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
