"""The first /insights after `crampcoach serve` starts: does a person wait for statsmodels
and matplotlib to load, or did the server warm them up in the background?

Run: .venv/bin/python benchmarks/bench_first_insights.py [--before SRC] [--wait S]

A two-year generated diary is imported; the real server starts on loopback; once it
answers /healthz the benchmark waits `--wait` seconds (a person opening the app and
tapping Insights; default 4) and times the first GET /insights, then the next three.
With `--before SRC` (a source tree, e.g. a git worktree of an older commit) the same
is measured for that tree in the same run, for a before/after table.

Goal (exit 1 when missed): this tree's first /insights under 150 ms.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from local_server import crampcoach_env, server

GOAL_MS = 150.0
NIGHTS = 730


def measure(label: str, src: Path | None, wait_s: float) -> tuple[float, float]:
    """(first, median of the next three) GET /insights in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        end = date.today() - timedelta(days=2)
        # written and imported by the tree measured (an older one reads its own format)
        write = (
            "from datetime import date; from pathlib import Path; "
            "from crampcoach.fixtures.diary import generate_history as g; "
            "from crampcoach.export.diary_json import write_json as w; "
            f"Path({str(data / 'history.json')!r}).write_text("
            f"w(g(nights={NIGHTS}, end=date.fromisoformat({end.isoformat()!r}))))"
        )
        env = crampcoach_env(data, src)
        for argv in (["-c", write], ["-m", "crampcoach", "import", str(data / "history.json")]):
            done = subprocess.run(
                [sys.executable, *argv], env=env, capture_output=True, check=False
            )
            if done.returncode != 0:
                sys.exit(f"{label}: {done.stderr.decode(errors='replace').strip()}")
        with server(data, label=label, src=src) as running, httpx.Client() as client:
            time.sleep(wait_s)
            times = []
            for _ in range(4):
                start = time.perf_counter()
                answer = client.get(f"{running.url}/insights", timeout=60)
                times.append((time.perf_counter() - start) * 1000)
                if answer.status_code != 200:
                    sys.exit(f"{label}: /insights answered {answer.status_code}")
    later = sorted(times[1:])[1]
    return times[0], later


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an older source tree to compare")
    parser.add_argument("--wait", type=float, default=4.0, help="seconds after ready (4)")
    args = parser.parse_args()
    rows = []
    if args.before is not None:
        rows.append(("before", *measure("before", args.before / "src", args.wait)))
    first, later = measure("this tree", None, args.wait)
    rows.append(("this tree", first, later))
    print(f"two years of diary; first GET /insights {args.wait:g} s after the server is ready")
    print(f"{'tree':<10} {'first ms':>9} {'next ms':>8}")
    print("-" * 29)
    for label, one, rest in rows:
        print(f"{label:<10} {one:>9.1f} {rest:>8.1f}")
    ok = first < GOAL_MS
    print(f"goal: first under {GOAL_MS:.0f} ms: {'PASS' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
