"""Insights and the report for the doctor over ten years of diary: is it fast enough?

Run: .venv/bin/python benchmarks/bench_insights.py [--repeat 5] [--nights 3650]

Ten years of generated history (`generate_history(nights=3650)`: about 2,260 cramps and
2,000 sessions), with the profile and a red-flag screening. Each task runs in its own
fresh Python process, so its first call pays what `crampcoach report` pays: the imports
of the insights (numpy, scipy), of statsmodels (on the first rate ratio) and of
matplotlib and fontTools (on the first PDF). Generating the history is not timed. Then
the task runs `--repeat` more times in that process (warm: what the web server pays
after its first report). A last process times the heavy imports alone, so the cold
figure can be split into imports and work. Wall-clock seconds, and CPU seconds beside
them (less disturbed by other work on the machine).

Two more reports over the same ten years test what a person can type or import: (d) the
largest profile the bounds allow (50 medicines and 50 conditions of 200 characters, none
with a space, so every one must be broken across lines), and (e) a profile stored before
the bounds, with a medicine of 100,000 characters (the report clips it).

Goals: insights + PDF for ten years under 2 s warm, and under 2 s cold once the one-off
imports are taken out; reports (d) and (e) under 2 s warm. Exits 1 when any goal printed
with PASS/FAIL is missed. The cold figure with the imports is reported, not judged: the
imports alone (statsmodels, matplotlib) take about that long.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crampcoach.diary.models import Profile

GOAL_S = 2.0
TASKS = {
    "summary": "(a) summarize_diary",
    "content": "    report_content (calls summarize_diary)",
    "pdf": "    render_report_pdf (content made before)",
    "report": "(b) report_content + render_report_pdf",
    "both": "(c) summarize_diary, then (b)",
    "largest": "(d) (b), largest allowed profile",
    "legacy": "(e) (b), a 100,000-character medicine",
}
LIST_ITEMS, ITEM_LENGTH = 50, 200  # the most crampcoach.diary.bounds allows (2026)
LEGACY_LENGTH = 100_000
IMPORTS = {  # what the first call imports, in the order it does
    "crampcoach.insights (numpy, scipy)": ("crampcoach.insights",),
    "statsmodels (GLM, NegativeBinomial)": (
        "statsmodels.genmod.generalized_linear_model",
        "statsmodels.discrete.discrete_model",
    ),
    "matplotlib (figure, PDF backend)": (
        "matplotlib.figure",
        "matplotlib.backends.backend_pdf",
        "matplotlib.backends.backend_agg",
    ),
    "fontTools.subset (fonts in the PDF)": ("fontTools.subset",),
}
ANSWERS = {"how-often": "weekly", "sleep": "yes", "swollen-calf": "no", "long-cramp": "no"}


class Clock:
    """Wall-clock and CPU seconds since it was made."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def time_imports() -> dict[str, object]:
    spent = {}
    for name, modules in IMPORTS.items():
        clock = Clock()
        for module in modules:
            importlib.import_module(module)
        spent[name] = clock.read()
    return {"imports": spent}


def profile_for(task: str, usual: Profile) -> Profile:
    """The profile a task reports: the generated one, or one of the two large ones."""
    from crampcoach.diary.models import Profile

    if task == "largest":  # no spaces: every item is broken across lines by its widths
        return Profile(
            timezone=usual.timezone,
            medicines=[f"medicine{i:02d}".ljust(ITEM_LENGTH, "x") for i in range(LIST_ITEMS)],
            conditions=[f"condition{i:02d}".ljust(ITEM_LENGTH, "y") for i in range(LIST_ITEMS)],
        )
    if task == "legacy":  # as the store hands back a profile kept before the bounds
        return Profile.model_construct(
            timezone=usual.timezone,
            bedtime=usual.bedtime,
            medicines=[*usual.medicines, "m" * LEGACY_LENGTH],
            conditions=list(usual.conditions),
        )
    return usual


def time_task(task: str, nights: int, repeat: int) -> dict[str, object]:
    """Time one task in this (fresh) process: its imports, first call and warm calls."""
    from crampcoach.fixtures.diary import DEFAULT_END, generate_history

    history = generate_history(nights=nights)  # not timed
    profile = profile_for(task, history.profile)
    last = DEFAULT_END
    first = last - timedelta(days=nights - 1)
    made = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

    clock = Clock()
    from crampcoach.export.report_pdf import render_report_pdf
    from crampcoach.insights import preventive_routine_nights, summarize_diary
    from crampcoach.insights.report_content import report_content
    from crampcoach.safety import screen

    routine = preventive_routine_nights(history.sessions)
    screening = screen(ANSWERS)
    imports = clock.read()

    def content():  # type: ignore[no-untyped-def]
        return report_content(
            history.episodes,
            routine,
            first_night=first,
            last_night=last,
            profile=profile,
            trial=None,
            screening=screening,
            screening_taken_at=made,
            made_at=made,
        )

    ready = content() if task == "pdf" else None  # this task times the drawing alone
    size = 0

    def run() -> None:
        nonlocal size
        if task in ("summary", "both"):
            summarize_diary(history.episodes, routine, first_night=first, last_night=last)
        if task == "content":
            content()
        if task in ("pdf", "report", "both", "largest", "legacy"):
            size = len(render_report_pdf(ready if ready is not None else content()))

    calls = []
    for _ in range(repeat + 1):
        clock = Clock()
        run()
        calls.append(clock.read())
    return {
        "imports": imports,
        "first": calls[0],
        "warm": calls[1:],
        "cramps": len(history.episodes),
        "pdf_bytes": size,
    }


def in_fresh_process(*args: str) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out)


def verdict(seconds: float) -> str:
    return "PASS" if seconds < GOAL_S else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--nights", type=int, default=3650)
    parser.add_argument("--child", choices=[*TASKS, "imports"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.repeat < 1 and not args.child:
        parser.error("--repeat: at least 1 (the goals are judged on the warm calls)")
    if args.child == "imports":
        print(json.dumps(time_imports()))
        return 0
    if args.child:
        print(json.dumps(time_task(args.child, args.nights, args.repeat)))
        return 0
    size = ["--nights", str(args.nights), "--repeat", str(args.repeat)]
    results = {task: in_fresh_process("--child", task, *size) for task in TASKS}
    imports = in_fresh_process("--child", "imports")["imports"]
    print(
        f"{args.nights} nights, {results['summary']['cramps']} cramps; each task in a fresh "
        f"process; warm: {args.repeat} calls after the first. Seconds, wall (cpu)."
    )
    print(f"{'task':<44}{'cold: imports + 1st call':>28}{'warm median':>16}{'warm max':>10}")
    for task, name in TASKS.items():
        r = results[task]
        (iw, ic), (fw, fc) = r["imports"], r["first"]
        warm_wall = [w for w, _ in r["warm"]]
        warm_cpu = statistics.median(c for _, c in r["warm"])
        print(
            f"{name:<44}{iw:>6.2f} + {fw:4.2f} = {iw + fw:4.2f} ({ic + fc:4.2f})"
            f"{statistics.median(warm_wall):>9.3f} ({warm_cpu:5.3f}){max(warm_wall):>9.3f}"
        )
    print("one-off imports in a fresh process (paid by the first call above):")
    for name, (wall, cpu) in imports.items():
        print(f"    {name:<40}{wall:>6.2f} ({cpu:4.2f})")
    both = results["both"]
    cold = both["imports"][0] + both["first"][0]
    heavy = sum(wall for wall, _ in imports.values())
    print(f"PDF: {results['report']['pdf_bytes'] / 1000:.0f} kB")
    met = []

    def judge(label: str, seconds: float) -> None:
        met.append(seconds < GOAL_S)
        print(f"  {label:<42}{seconds:6.2f} s  {verdict(seconds)}")

    print(f"goals: each under {GOAL_S:.0f} s")
    print("  (c) insights + PDF for ten years:")
    judge(f"warm, slowest of {args.repeat}", max(w for w, _ in both["warm"]))
    print(f"  {'cold, fresh process incl. imports':<42}{cold:6.2f} s  (reported, no goal)")
    judge(f"cold less the one-off imports ({heavy:4.2f} s)", cold - heavy)
    for task in ("largest", "legacy"):
        print(f"  {TASKS[task].strip()}:")
        judge(f"warm, slowest of {args.repeat}", max(w for w, _ in results[task]["warm"]))
    return 0 if all(met) else 1


if __name__ == "__main__":
    sys.exit(main())
