"""Accuracy and detection of the motion analysers on generated tracks with known ground
truth.

Run: .venv/bin/python benchmarks/bench_motion.py [--tracks 200] [--seed 1] [--clean]
                                                  [--jitter-px PX] [--exercise NAME ...]
                                                  [--cross N] [--writing N]
                                                  [--writers untuned|tuned] [--quick]

Toe writing is also judged on handwriting (`crampcoach.fixtures.handwriting`: strokes of
lognormal velocity pulses, corner slowdowns, moves between letters, rests with jitter) from
the `untuned` writers, whom the segmentation was not tuned on: the self-paced letter count
(within one >= 0.90, exact >= 0.60) and the prompted letters recognised (top-1 >= 0.25).
`--quick` (for CI) runs those on 50 tracks, after 100 ankle-circle tracks.

Ankle circles' live rows (the count shown never going back nor ending above the final one,
and the settle delay) are measured as the player counts: with the foot the step names (the
track's own), since the player never counts the other foot. The count shown waits for the
judgement that the movement is ankle circles (two circles in a row), so a track's first
circles are shown together once it is made, a circle or two after they were complete. The
counter's settings were chosen on suite 1, its streaming ones (recheck, lag, live level)
looking at suite 2, when a set closes on suite 4; suite 5 has not been looked at.

Each track comes from `crampcoach.fixtures.motion.generate` (a kinematic body, a camera at
a random angle and distance, jitter, lost frames, outliers, low visibility, 15-30 fps)
and is analysed exactly as `crampcoach analyze` does. The seeds are not the ones the
tests use. Prints one table per exercise, the goals of issue 5, and for ankle circles the
same figures by how far the toe's circle stands above the jitter (radius / jitter, in
pixels), because a circle smaller than the jitter cannot be counted by anyone. Exits 1
when a goal is missed. `--jitter-px` holds the landmark jitter at one value (the
generator draws 1-6 px for a body 480 px long on screen, in proportion to its size, and
sometimes 1.5-2.5 times that; MediaPipe's own foot landmarks on a still person in the
real footage jitter by about 0.3 px at 1280x720, measured with `crampcoach track`).

Detection (`detected` in every result): the true positive rate is the share of each
exercise's own tracks found (a track not found counts 0 in its accuracy, so the accuracy
figures include it); the false positive rate is the share of the other exercises' tracks
(`--cross` of each, the first of their suites) that an analyser takes for its exercise,
and, without a goal, the share its judgement of the motion alone would take (the view
and the visibility aside: most pairs differ in the camera's view already).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from crampcoach.blas_threads import one_blas_thread
from crampcoach.fixtures.motion import generate
from crampcoach.motion.registry import AnalysisError, analyse, make_analyser

SEED_BASE = 900_000  # far from the seeds the tests use
MIN_TPR = 0.98  # of an exercise's own tracks found
MAX_FPR = 0.05  # of the other exercises' tracks taken for it
# ankle circles (issue 17): shares of tracks with both counts within one / exact, and the
# 95th percentile of the seconds from a circle complete to its live count (--goal-exact)
CIRCLE_GOALS = {"obo": 0.95, "exact": 0.85, "delay": 1.0}
# Breathing in child's pose (crampcoach.motion.childs_pose.breathing_rate): floors at what
# the analyser gives today (suite 1, 30 noisy tracks: given on 0.23, of those 0.71 within 2 a
# minute): it says "no rate" rather than a wrong one, and must not get worse.
BREATHING_GIVEN = 0.20
BREATHING_RIGHT = 0.60


@dataclass
class Outcome:
    exercise: str
    seed: int
    refused: str | None
    values: dict[str, Any]


def _circles(track: Any, result: dict[str, Any]) -> dict[str, Any]:
    truth, got = track.truth, result["circles"]
    cw = got["clockwise"] - truth.clockwise
    ccw = got["counterclockwise"] - truth.counterclockwise
    snr = truth.radius_cm / 100 * track.camera.px_per_m / max(track.camera.noise_px, 0.1)
    return {
        "obo": abs(cw) <= 1 and abs(ccw) <= 1,
        "exact": cw == 0 and ccw == 0,
        "foot": result["side"] == truth.side,
        "snr": snr,
    }


def _toe_points(track: Any, result: dict[str, Any]) -> dict[str, Any]:
    truth = track.truth
    rom = result["range_of_motion_deg"]
    return {
        "obo": abs(result["reps"] - truth.reps) <= 1,
        "exact": result["reps"] == truth.reps,
        "foot": result["side"] == truth.side,
        "plantar_err": abs(rom["plantarflexion"] - truth.max_plantarflexion_deg),
        "dorsi_err": abs(rom["dorsiflexion"] - truth.max_dorsiflexion_deg),
    }


def _childs_pose(track: Any, result: dict[str, Any]) -> dict[str, Any]:
    truth = track.truth
    rate = result["breaths_per_min"]
    return {
        "hold_err": abs(result["hold_s"] - truth.hold_s),
        "breathing_given": rate is not None,
        "breathing_right": rate is not None and abs(rate - truth.breaths_per_min) <= 2,
    }


def _toe_writing(track: Any, result: dict[str, Any]) -> dict[str, Any]:
    truth = track.truth
    pairs = list(zip(result["letters"], truth.letters, strict=True))
    moved = [(got, real) for got, real in pairs if got["moved"]]
    return {
        "all_letters": len(moved) == len(pairs),
        "foot": result["side"] == truth.side,
        "start_err": statistics.fmean(abs(g["start_s"] - r.start_t) for g, r in moved)
        if moved
        else 99.0,
        "height_err": statistics.fmean(abs(g["height_cm"] - r.height_cm) for g, r in moved)
        if moved
        else 99.0,
    }


SCORERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "ankle-circles": _circles,
    "toe-points": _toe_points,
    "childs-pose": _childs_pose,
    "toe-writing": _toe_writing,
}


def run_one(job: tuple[str, int, bool, float | None]) -> Outcome:
    exercise, seed, clean, jitter = job
    extra = {} if jitter is None else {"noise_px": jitter}
    track = generate(exercise, seed, clean=clean, **extra)
    prompts = track.truth.prompts if exercise == "toe-writing" else None
    try:
        analysis = analyse(track.frames, exercise, prompts=prompts)
    except AnalysisError as exc:
        return Outcome(exercise, seed, str(exc), {})
    result = analysis.result
    values = SCORERS[exercise](track, result)
    values["detected"] = result["detected"]
    if exercise == "ankle-circles":  # live, as the player counts: the step names the foot
        played = analyse(track.frames, exercise, side=track.truth.side)
        values.update(live_circles(played.feedback, played.result))
    return Outcome(exercise, seed, None, values)


def live_circles(feedback: list[Any], result: dict[str, Any]) -> dict[str, Any]:
    """The live count against the final one: whether it ever went back or ended above the
    final count, and each circle's settle delay: from the moment its path was complete (the
    event's time) to the first frame whose live count showed it."""
    shown = [f.counts for f in feedback]
    went_back = any(
        now.get(k, 0) < before.get(k, 0) for before, now in pairwise(shown) for k in before
    )
    final = result["circles"]
    above = bool(shown) and any(shown[-1].get(k, 0) > final[k] for k in final)
    delays, seen = [], {"clockwise": 0, "counterclockwise": 0}
    for event in result["events"]:
        way = event["direction"]
        seen[way] += 1
        when = next((f.t for f in feedback if f.counts.get(way, 0) >= seen[way]), None)
        if when is not None:
            delays.append(when - event["t"])
    return {"live_kept": not went_back and not above, "delays": delays}


@dataclass
class Cross:
    analyser: str
    shown: str
    seed: int
    detected: bool  # the result's
    by_motion: bool  # the analyser's judgement of the motion alone


def run_cross(job: tuple[str, str, int]) -> Cross:
    """A track of one exercise analysed as another (exactly as `analyse` runs it)."""
    analysed, shown, seed = job
    analyser = make_analyser(analysed)
    for frame in generate(shown, seed).frames:
        analyser.update(frame)
    result = analyser.result()
    return Cross(analysed, shown, seed, bool(result["detected"]), analyser.detect().detected)


def share(outcomes: list[Outcome], key: str) -> float:
    return sum(bool(o.values.get(key)) for o in outcomes) / len(outcomes) if outcomes else 0.0


def mean(outcomes: list[Outcome], key: str) -> float:
    scored = [o.values[key] for o in outcomes if key in o.values]
    return statistics.fmean(scored) if scored else float("nan")


def report(exercise: str, outcomes: list[Outcome]) -> list[tuple[str, float, str, bool | None]]:
    """(measure, value, goal, met) rows; refused tracks count as misses."""
    if exercise == "ankle-circles":
        obo, exact = share(outcomes, "obo"), share(outcomes, "exact")
        kept = share(outcomes, "live_kept")
        delays = [d for o in outcomes for d in o.values.get("delays", ())]
        p95 = float(statistics.quantiles(delays, n=20)[-1]) if len(delays) > 1 else float("nan")
        goal = CIRCLE_GOALS
        return [
            ("both counts within one", obo, f">= {goal['obo']}", obo >= goal["obo"]),
            ("both counts exact", exact, f">= {goal['exact']}", exact >= goal["exact"]),
            ("live count never back, never above", kept, ">= 1.0", kept >= 1.0),
            ("settle delay p95 (s)", p95, f"< {goal['delay']}", p95 < goal["delay"]),
            (
                "moving foot found",
                share(outcomes, "foot"),
                ">= 0.95",
                share(outcomes, "foot") >= 0.95,
            ),
        ]
    if exercise == "toe-points":
        plantar, dorsi = mean(outcomes, "plantar_err"), mean(outcomes, "dorsi_err")
        return [
            ("reps within one", share(outcomes, "obo"), ">= 0.95", share(outcomes, "obo") >= 0.95),
            ("reps exact", share(outcomes, "exact"), "", None),
            ("moving foot found", share(outcomes, "foot"), "", None),
            ("plantarflexion error (deg, mean)", plantar, "<= 7", plantar <= 7),
            ("dorsiflexion error (deg, mean)", dorsi, "<= 7", dorsi <= 7),
        ]
    if exercise == "childs-pose":
        hold = mean(outcomes, "hold_err")
        given = share(outcomes, "breathing_given")
        right = share(outcomes, "breathing_right") / given if given else 0.0
        return [
            ("hold time error (s, mean)", hold, "<= 2", hold <= 2),
            ("breathing rate given", given, f">= {BREATHING_GIVEN}", given >= BREATHING_GIVEN),
            (
                "... of those, within 2 a minute",
                right,
                f">= {BREATHING_RIGHT}",
                right >= BREATHING_RIGHT,
            ),
        ]
    return [
        ("every letter found", share(outcomes, "all_letters"), "", None),
        ("writing foot found", share(outcomes, "foot"), "", None),
        ("letter start error (s, mean)", mean(outcomes, "start_err"), "", None),
        ("letter height error (cm, mean)", mean(outcomes, "height_err"), "", None),
    ]


# -- toe writing on handwriting (crampcoach.fixtures.handwriting) --------------------------
WRITING_GOALS = {
    "within": 0.90,  # self-paced letter count within one, on the untuned writers
    "exact": 0.60,  # ... and exact
    "recognised": 0.25,  # prompted letters whose attempt is recognised as the prompted letter
}
# `--floors` (CI, with --quick on suite 1): ankle circles held near the figures of issue
# 17's stop there (within one 0.95, exact 0.79) less about five tracks in a hundred, and the
# settle delay p95 (1.83 s since a track's first circles wait for the judgement that they
# are ankle circles; 1.24 s before) a quarter of a second above, so CI fails when a change
# counts clearly worse than today (the goals above, which they miss, stay what a plain run
# prints and enforces). Toe writing meets its
# goals there, the count within one exactly (0.90 of 50; exact 0.90, recognised 0.32), so
# CI holds it two tracks below that.
CIRCLE_FLOORS = {"obo": 0.90, "exact": 0.74, "delay": 2.1}
WRITING_FLOORS = {"within": 0.86, "exact": 0.80, "recognised": 0.25}


def run_handwriting(job: tuple[int, str]) -> tuple[int, float]:
    """(self-paced count error, share of prompted letters recognised) on one track."""
    seed, population = job
    track = generate("toe-writing", seed, handwriting=population)
    paced = analyse(track.frames, "toe-writing").result
    prompted = analyse(track.frames, "toe-writing", prompts=track.truth.prompts).result
    error = paced["letters_moved"] - len(track.truth.letters)
    matched = [x["matches_prompt"] for x in prompted["letters"]]
    return error, sum(matched) / len(matched)


def handwriting_goals(tracks: int, suite_seed: int, population: str) -> bool:
    """Prints the toe-writing goals on handwriting tracks; True when one was missed."""
    jobs = [(SEED_BASE + 5_000 + suite_seed * 10_000 + i, population) for i in range(tracks)]
    with ProcessPoolExecutor(initializer=one_blas_thread) as pool:  # one core each
        runs = list(pool.map(run_handwriting, jobs))
    errors = [e for e, _ in runs]
    within = sum(abs(e) <= 1 for e in errors) / len(runs)
    exact = sum(e == 0 for e in errors) / len(runs)
    recognised = statistics.fmean(r for _, r in runs)
    rows = [
        ("self-paced count within one", within, WRITING_GOALS["within"]),
        ("self-paced count exact", exact, WRITING_GOALS["exact"]),
        ("prompted letter recognised (top-1)", recognised, WRITING_GOALS["recognised"]),
    ]
    print(f"\ntoe writing, {tracks} handwriting tracks ({population} writers):")
    failed = False
    for measure, value, goal in rows:
        met = value >= goal
        failed |= not met
        verdict = "PASS" if met else "FAIL"
        print(f"{'toe-writing':15} {measure:36} {value:7.3f}  >= {goal:<5} {verdict}")
    print(f"{'toe-writing':15} {'count errors (got - written)':36} {sorted(errors)}")
    return failed


def detection_table(counts: dict[str, int], outcomes: list[Outcome], crossed: list[Cross]) -> bool:
    """Prints the detection figures; True when a goal was missed."""
    print(f"\n{'detection':15} {'measure':36} {'value':>7}  {'goal':8} result")
    failed = False
    for exercise in counts:
        mine = [o for o in outcomes if o.exercise == exercise]
        tpr = share(mine, "detected")
        others = [c for c in crossed if c.analyser == exercise]
        rows: list[tuple[str, float, str, bool | None]] = [
            ("true positive rate (own tracks)", tpr, f">= {MIN_TPR}", tpr >= MIN_TPR)
        ]
        if others:
            fpr = sum(c.detected for c in others) / len(others)
            motion = sum(c.by_motion for c in others) / len(others)
            rows.append(
                (
                    f"false positive rate ({len(others)} others)",
                    fpr,
                    f"<= {MAX_FPR}",
                    fpr <= MAX_FPR,
                )
            )
            rows.append(("... by the motion alone", motion, "", None))
            for shown in SCORERS:
                pair = [c for c in others if c.shown == shown]
                if pair:
                    rate = sum(c.by_motion for c in pair) / len(pair)
                    rows.append((f"    on {shown} tracks", rate, "", None))
        for measure, value, goal, met in rows:
            verdict = "" if met is None else ("PASS" if met else "FAIL")
            failed |= met is False
            print(f"{exercise:15} {measure:36} {value:7.3f}  {goal:8} {verdict}")
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tracks", type=int, default=200, help="per foot exercise (200)")
    parser.add_argument("--seed", type=int, default=1, help="which suite (1)")
    parser.add_argument("--clean", action="store_true", help="no jitter, losses or outliers")
    parser.add_argument("--jitter-px", type=float, default=None, help="landmark jitter, pixels")
    parser.add_argument(
        "--exercise", choices=sorted(SCORERS), action="append", help="only this one (repeatable)"
    )
    parser.add_argument(
        "--writing",
        type=int,
        default=None,
        help="toe-writing handwriting tracks for the writing goals (tracks / 4; 0: none)",
    )
    parser.add_argument(
        "--writers", default="untuned", help="handwriting population (untuned; tuned)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="for CI: 100 ankle-circle tracks, then 50 handwriting tracks",
    )
    parser.add_argument(
        "--cross",
        type=int,
        default=None,
        help="tracks of each other exercise per analyser, for false positives (tracks / 10)",
    )
    parser.add_argument(
        "--floors",
        action="store_true",
        help="CI's guard: hold counting near today's level (*_FLOORS), not the goals",
    )
    parser.add_argument(
        "--goal-exact",
        type=float,
        default=CIRCLE_GOALS["exact"],
        help="ankle circles: share of tracks with both counts exact (0.85)",
    )
    args = parser.parse_args(argv)
    CIRCLE_GOALS["exact"] = args.goal_exact
    if args.floors:
        CIRCLE_GOALS.update(CIRCLE_FLOORS)
        WRITING_GOALS.update(WRITING_FLOORS)
    if args.quick:  # 100 ankle-circle tracks (with the live-count goals), 50 handwriting
        circles = ["--tracks", "100", "--exercise", "ankle-circles", "--cross", "0"]
        exact = str(CIRCLE_GOALS["exact"])
        failed = main([*circles, "--seed", str(args.seed), "--goal-exact", exact])
        return 1 if handwriting_goals(50, args.seed, args.writers) or failed else 0
    cross = max(args.tracks // 10, 1) if args.cross is None else args.cross
    counts = {
        "ankle-circles": args.tracks,
        "toe-points": args.tracks,
        "childs-pose": max(args.tracks // 2, 1),
        "toe-writing": max(args.tracks // 10, 1),
    }
    if args.exercise:
        counts = {name: n for name, n in counts.items() if name in args.exercise}
    jobs = [
        (exercise, SEED_BASE + args.seed * 10_000 + i, args.clean, args.jitter_px)
        for exercise, n in counts.items()
        for i in range(n)
    ]
    cross_jobs = [
        (analysed, shown, SEED_BASE + args.seed * 10_000 + i)
        for analysed in counts
        for shown in SCORERS
        if shown != analysed
        for i in range(cross)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(initializer=one_blas_thread) as pool:  # one core each
        outcomes = list(pool.map(run_one, jobs, chunksize=4))
        crossed = list(pool.map(run_cross, cross_jobs, chunksize=2))
    seconds = time.perf_counter() - started
    kind = "clean" if args.clean else "noisy"
    if args.jitter_px is not None and not args.clean:
        kind += f" (jitter {args.jitter_px:g} px)"
    print(
        f"bench_motion: {len(jobs)} {kind} generated tracks, suite {args.seed}, {seconds:.0f} s\n"
    )
    print(f"{'exercise':15} {'measure':36} {'value':>7}  {'goal':8} result")
    failed = False
    for exercise in counts:
        mine = [o for o in outcomes if o.exercise == exercise]
        refused = [o for o in mine if o.refused]
        for measure, value, goal, met in report(exercise, mine):
            verdict = "" if met is None else ("PASS" if met else "FAIL")
            failed |= met is False
            print(f"{exercise:15} {measure:36} {value:7.3f}  {goal:8} {verdict}")
        print(
            f"{exercise:15} {'tracks (refused as unreadable)':36} {len(mine):7d}  ({len(refused)})"
        )
    failed |= detection_table(counts, outcomes, crossed)
    writing = max(args.tracks // 4, 1) if args.writing is None else args.writing
    if writing and (not args.exercise or "toe-writing" in args.exercise):
        failed |= handwriting_goals(writing, args.seed, args.writers)
    circles = [o for o in outcomes if o.exercise == "ankle-circles" and not o.refused]
    if not circles:
        return 1 if failed else 0
    print("\nankle circles by circle radius / jitter (pixels):")
    print(f"{'radius/jitter':15} {'tracks':>6} {'within one':>10} {'exact':>6}")
    for low, high in ((0, 2), (2, 4), (4, float("inf"))):
        band = [o for o in circles if low <= o.values["snr"] < high]
        label = f"{low}-{high:g}" if high != float("inf") else f">= {low}"
        print(f"{label:15} {len(band):6d} {share(band, 'obo'):10.3f} {share(band, 'exact'):6.3f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
