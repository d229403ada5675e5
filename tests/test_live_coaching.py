"""Live camera coaching without a server: the coach, the placement check, the figure book
and the camera figures on the session record (pure: synthetic tracks, no camera)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from crampcoach.fixtures.motion import generate
from crampcoach.motion.feedback import HINT_NO_FEET, HINT_NO_PERSON
from crampcoach.motion.registry import analyse
from crampcoach.motion.track import Frame
from crampcoach.protocol import load_routine
from crampcoach.services.camera_placement import PlacementCheck
from crampcoach.services.live_coaching import LiveCoach, camera_exercise, figures_of
from crampcoach.services.live_figures import FigureBook
from crampcoach.session.record import (
    CameraFigures,
    SessionRecord,
    StepRecord,
    with_camera_figures,
)
from crampcoach.session.timeline import build_timeline

BEDTIME = build_timeline(load_routine("bedtime"), leg="left", tempo_s=3)
# bedtime's steps: 0 clockwise circles, 1 counterclockwise, 2 rest, 3 toe points, 4 rest,
# 5 toe writing, 6 rest, 7 child's pose
STEP_OF = {"ankle-circles": 0, "toe-points": 3, "toe-writing": 5, "childs-pose": 7}


def test_the_checked_steps_are_the_exercises_with_an_analyser() -> None:
    checked = [(s.index, camera_exercise(s)) for s in BEDTIME.steps]
    assert checked == [
        (0, "ankle-circles"),
        (1, "ankle-circles"),
        (2, None),
        (3, "toe-points"),
        (4, None),
        (5, "toe-writing"),
        (6, None),
        (7, "childs-pose"),
    ]


@pytest.mark.parametrize("exercise", list(STEP_OF))
def test_live_counts_and_figures_are_the_whole_track_analysis(exercise: str) -> None:
    step = BEDTIME.steps[STEP_OF[exercise]]
    track = generate(exercise, seed=5, **({"side": step.leg} if step.leg else {}))
    offline = analyse(track.frames, exercise, side=step.leg)
    coach = LiveCoach(BEDTIME.steps)
    coach.enter(STEP_OF[exercise])
    live = [coach.observe(frame) for frame in track.frames]
    outcome = coach.finish()
    assert outcome is not None
    assert outcome.result == offline.result
    assert outcome.figures == figures_of(step, offline.result)
    assert coach.figures == {step.index: outcome.figures}
    # Frame by frame, the count shown is the analyser's live count.
    for shown, seen in zip(live, offline.feedback, strict=True):
        assert shown.hint in (seen.hint, None) or shown.hint.startswith("you're going")
        if exercise == "ankle-circles":
            assert shown.count == seen.counts["clockwise"]
        elif exercise == "toe-points":
            assert shown.count == seen.counts["reps"]
            assert shown.angle_deg == seen.value
        elif exercise == "toe-writing":
            assert shown.count == seen.counts["letters"]
        else:
            assert shown.hold_s == seen.counts["hold_s"]
            assert shown.holding == (seen.value == 1.0)


def test_figures_per_exercise() -> None:
    circles = figures_of(BEDTIME.steps[1], _result(circles={"clockwise": 9, "counterclockwise": 7}))
    assert circles == CameraFigures("ankle-circles", 7.0, None, 0.9)
    points = figures_of(
        BEDTIME.steps[3],
        _result(reps=8, range_of_motion_deg={"plantarflexion": 35.5, "dorsiflexion": 12.2}),
    )
    assert points == CameraFigures("toe-points", 8.0, 47.7, 0.9)
    letters = figures_of(BEDTIME.steps[5], _result(letters_moved=20))
    assert letters == CameraFigures("toe-writing", 20.0, None, 0.9)
    hold = figures_of(BEDTIME.steps[7], _result(hold_s=41.5))
    assert hold == CameraFigures("childs-pose", 41.5, None, 0.9)


def _result(**measures: object) -> dict[str, object]:
    return {"frames": 100, "frames_used": 90, **measures}


def test_circling_the_wrong_way_is_said() -> None:
    track = generate(
        "ankle-circles",
        seed=3,
        clockwise=0,
        counterclockwise=8,
        partial=False,
        clean=True,
        side="left",  # the foot bedtime's first steps are for
    )
    coach = LiveCoach(BEDTIME.steps)
    coach.enter(0)  # the clockwise set
    shown = [coach.observe(frame) for frame in track.frames]
    hints = {s.hint for s in shown if s.hint}
    assert "you're going counterclockwise: this set is clockwise" in hints
    # The direction shown is the way the toes turn (the lead-in turns a little clockwise).
    directions = [s.direction for s in shown if s.direction is not None]
    assert directions.count("counterclockwise") >= 0.9 * len(directions) > 0
    outcome = coach.finish()
    assert outcome is not None and outcome.figures.done == 0  # none of them clockwise

    coach.enter(1)  # the counterclockwise set: right way, no such hint
    shown = [coach.observe(replace(f, t=f.t + 100)) for f in track.frames]
    assert not any(s.hint and s.hint.startswith("you're going") for s in shown)
    assert max(s.count or 0 for s in shown) >= 6


def test_before_an_exercise_the_camera_placement_is_checked() -> None:
    coach = LiveCoach(BEDTIME.steps)
    assert coach.index == -1 and coach.analyser is None
    front = generate("ankle-circles", seed=1, clean=True).frames
    side = generate("toe-points", seed=1, clean=True).frames
    # Before the start, the first exercise (circles, from the front) is checked.
    shown = [coach.observe(frame) for frame in front[:60]]
    assert shown[-1].placement is not None
    assert shown[-1].placement.exercise == "ankle-circles"
    assert shown[-1].placement.ok and shown[-1].hint is None
    # In the rest before toe points (from the side), a front view is wrong ...
    assert coach.enter(2) is None
    shown = [coach.observe(frame) for frame in front[:60]]
    assert shown[-1].placement is not None and shown[-1].placement.exercise == "toe-points"
    assert not shown[-1].placement.ok
    assert shown[-1].hint == "turn sideways for this one"
    assert shown[-1].placement.advice.startswith("stand or kneel side-on")
    # ... and a side view is right.
    coach.enter(2)
    shown = [coach.observe(frame) for frame in side[:60]]
    assert shown[-1].placement is not None and shown[-1].placement.ok


def test_placement_hints_for_nobody_and_for_hidden_feet() -> None:
    frames = generate("ankle-circles", seed=1, clean=True).frames[:40]
    check = PlacementCheck("ankle-circles")
    nobody = check.update(Frame(0.0, None))
    assert nobody.hint == HINT_NO_PERSON and not nobody.ok
    check = PlacementCheck("ankle-circles")
    for frame in frames:
        assert frame.image is not None
        hidden = frame.image.copy()
        hidden[25:33, 3] = 0.1  # knees and feet poorly seen
        answer = check.update(replace(frame, image=hidden))
    assert answer.hint == HINT_NO_FEET and not answer.ok
    check = PlacementCheck("childs-pose")
    for frame in frames:
        answer = check.update(frame)
    assert answer.hint == "turn sideways for this one"


def test_steps_out_of_range_are_refused_and_unchecked_steps_give_no_figures() -> None:
    coach = LiveCoach(BEDTIME.steps)
    with pytest.raises(ValueError, match="step 8 is not in this session"):
        coach.enter(8)
    with pytest.raises(ValueError):
        coach.enter(-2)
    coach.enter(0)
    assert coach.enter(1) is None  # no frame reached step 0: no figures
    assert coach.figures == {}
    coach.enter(2)
    shown = coach.observe(generate("toe-points", seed=1, clean=True).frames[0])
    assert shown.exercise is None and shown.count is None


# -- camera figures on the session record ----------------------------------------------
def _record() -> SessionRecord:
    now = datetime(2026, 1, 5, 22, 0, tzinfo=UTC)
    steps = tuple(
        StepRecord(s.index, s.exercise_id, s.label, s.kind, s.unit, s.leg, s.planned, 0, "done")
        for s in BEDTIME.steps
    )
    return SessionRecord("bedtime", 1, "Bedtime", "bedtime", "left", 3.0, now, now, steps)


def test_camera_figures_go_on_their_steps_only() -> None:
    figures = {
        0: CameraFigures("ankle-circles", 9.0, None, 0.95),
        3: CameraFigures("toe-points", 7.0, 48.5, 0.8),
        5: CameraFigures("childs-pose", 1.0, None, 1.0),  # not step 5's exercise: left out
        2: CameraFigures("toe-points", 1.0, None, 1.0),  # a rest: left out
        42: CameraFigures("ankle-circles", 1.0, None, 1.0),  # no such step
    }
    record = with_camera_figures(_record(), figures)
    got = {s.index: (s.camera_done, s.camera_range_deg, s.camera_seen) for s in record.steps}
    assert got[0] == (9.0, None, 0.95)
    assert got[3] == (7.0, 48.5, 0.8)
    assert all(got[i] == (None, None, None) for i in (1, 2, 4, 5, 6, 7))


def test_the_figure_book_keeps_figures_until_taken_bounded_and_for_a_day() -> None:
    now = [0.0]
    book = FigureBook(max_sessions=2, max_age_s=100, clock=lambda: now[0])
    figures = CameraFigures("ankle-circles", 3.0, None, 1.0)
    book.put("a" * 16, 0, figures)
    book.put("a" * 16, 1, figures)
    assert book.take("a" * 16) == {0: figures, 1: figures}
    assert book.take("a" * 16) == {}  # taken once
    for key in ("b" * 16, "c" * 16, "d" * 16):
        book.put(key, 0, figures)
    assert len(book) == 2 and book.take("b" * 16) == {}  # the oldest went first
    now[0] = 150.0
    assert book.take("c" * 16) == {}  # forgotten after max_age_s
    with pytest.raises(ValueError):
        book.put("short", 0, figures)
    with pytest.raises(ValueError):
        book.put("x" * 16 + "/", 0, figures)
