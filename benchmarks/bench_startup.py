"""How long the `crampcoach` command takes to start, against Typer and Rich themselves.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs N]

Each case is a fresh process of the venv's Python, timed wall clock from spawn to exit;
the cases run in turns (floor, --help, log, routines, floor, ...) so that a busy moment
of the machine falls on all of them alike, and each one's median is compared with the
floor's median from the same run:

- floor: `python -c "import typer, rich"` (what any Typer CLI pays)
- --help: `crampcoach --help`, goal at most 2x the floor
- log: `crampcoach log --leg left --where calf --severity 5 --minutes 2 --yes` into a
  fresh SQLite diary of its own (the database made and migrated before timing), at most
  6x (importing SQLAlchemy's ORM alone costs about 4x the floor)
- routines: `crampcoach routines`, at most 2x
- typer run (no goal, for scale): a one-command Typer app run with one option; Typer
  0.29 builds each parameter's converter with pydantic when a command runs, which
  `import typer, rich` does not pay

Exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = {"--help": 2.0, "log": 6.0, "routines": 2.0}
TYPER_RUN = """
import typer, rich
app = typer.Typer()
@app.command()
def hello(times: int = 1) -> None:
    pass
app(["--times", "2"], standalone_mode=False)
"""
LOG = ["log", "--leg", "left", "--where", "calf", "--severity", "5", "--minutes", "2", "--yes"]


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from crampcoach.cli import main; main()", *args]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench_startup: {' '.join(argv[3:]) or argv[-1]} failed: {done.stderr!r}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each case (15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "CRAMPCOACH_DATA_DIR": data}
        env.pop("CRAMPCOACH_DATABASE_URL", None)
        cases = {
            "floor": [sys.executable, "-c", "import typer, rich"],
            "--help": command("--help"),
            "log": command(*LOG),
            "routines": command("routines"),
            "typer run": [sys.executable, "-c", TYPER_RUN],
        }
        timed(cases["log"], env)  # the diary made and migrated once, before timing
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.runs):
            for name, argv in cases.items():
                times[name].append(timed(argv, env))
        if not Path(data, "crampcoach.db").exists():
            print(f"note: no crampcoach.db in {data}: is the diary elsewhere?")
    floor = statistics.median(times["floor"])
    print(f"{args.runs} runs of each, in turns; medians, wall clock")
    print(f"{'case':<10} {'median ms':>10} {'x floor':>8} {'goal':>6}  verdict")
    print("-" * 46)
    print(f"{'floor':<10} {floor * 1000:>10.1f} {1.0:>8.2f} {'':>6}")
    missed = 0
    for name, goal in GOALS.items():
        median = statistics.median(times[name])
        ratio = median / floor
        ok = ratio <= goal
        missed += not ok
        verdict = "PASS" if ok else "MISSED"
        print(f"{name:<10} {median * 1000:>10.1f} {ratio:>8.2f} {goal:>5.0f}x  {verdict}")
    run = statistics.median(times["typer run"])
    print(f"{'typer run':<10} {run * 1000:>10.1f} {run / floor:>8.2f} {'':>6}  (no goal)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
