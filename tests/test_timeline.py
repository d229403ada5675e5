"""Expanding routines into timelines: exact steps, cues and durations, and invariants."""

from __future__ import annotations

import math
import string

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crampcoach.protocol import load_routine, parse_routine
from crampcoach.session.timeline import DEFAULT_TEMPO_S, build_timeline


@pytest.fixture(scope="module")
def bedtime():
    return load_routine("bedtime")


def _summary(timeline):
    return [(s.kind, s.label, s.leg, s.planned, s.unit_s, s.duration_s) for s in timeline.steps]


# -- bedtime, exactly -----------------------------------------------------------------------


def test_bedtime_steps_at_tempo_3(bedtime):
    timeline = build_timeline(bedtime, leg="right", tempo_s=3)
    assert DEFAULT_TEMPO_S == 3.0
    assert _summary(timeline) == [
        ("reps", "Clockwise circles", "right", 10.0, 3.0, 30.0),
        ("reps", "Counterclockwise circles", "right", 10.0, 3.0, 30.0),
        ("rest", "Rest", None, 10.0, 1.0, 10.0),
        ("reps", "Toe points", "right", 10.0, 3.0, 30.0),
        ("rest", "Rest", None, 10.0, 1.0, 10.0),
        ("letters", "The alphabet, A to Z", "right", 26.0, 4.0, 104.0),
        ("rest", "Rest", None, 10.0, 1.0, 10.0),
        ("hold", "Hold and breathe", None, 45.0, 1.0, 45.0),
    ]
    assert [s.index for s in timeline.steps] == list(range(8))
    assert [s.exercise_id for s in timeline.steps] == [
        "ankle-circles",
        "ankle-circles",
        "toe-points",  # a rest belongs to the exercise that follows it
        "toe-points",
        "toe-writing",
        "toe-writing",
        "childs-pose",
        "childs-pose",
    ]
    assert [s.unit for s in timeline.steps] == [
        "reps",
        "reps",
        "seconds",
        "reps",
        "seconds",
        "letters",
        "seconds",
        "seconds",
    ]
    assert [s.direction for s in timeline.steps[:2]] == ["clockwise", "counterclockwise"]
    assert timeline.steps[5].letters == string.ascii_uppercase
    assert (timeline.routine_name, timeline.routine_version, timeline.mode) == (
        "bedtime",
        1,
        "bedtime",
    )
    assert (timeline.leg, timeline.tempo_s) == ("right", 3)


def test_bedtime_duration_and_starts(bedtime):
    timeline = build_timeline(bedtime, leg="left", tempo_s=3)
    assert timeline.total_s == 269.0
    assert timeline.total_s == math.fsum(s.duration_s for s in timeline.steps)
    assert timeline.starts == (0.0, 30.0, 60.0, 70.0, 100.0, 110.0, 214.0, 224.0)


def test_bedtime_duration_at_other_tempos(bedtime):
    # 30 reps scale with the tempo; letters, rests and the hold do not.
    assert build_timeline(bedtime, leg="left", tempo_s=2).total_s == 239.0
    assert build_timeline(bedtime, leg="left", tempo_s=4).total_s == 299.0
    assert build_timeline(bedtime, leg="left").total_s == 269.0


def test_rest_only_between_exercises(bedtime):
    timeline = build_timeline(bedtime, leg="right")
    kinds = [s.kind for s in timeline.steps]
    assert kinds[0] != "rest"
    assert kinds[-1] != "rest"
    rests = [s for s in timeline.steps if s.kind == "rest"]
    assert [r.instruction for r in rests] == [
        "Rest. Next: Toe points.",
        "Rest. Next: Toe writing.",
        "Rest. Next: Child's pose (Balasana).",
    ]
    assert [(c.at_s, c.kind, c.text) for c in rests[0].cues] == [
        (0.0, "start", "Rest. Next: Toe points"),
        (7.0, "countdown", "3"),
        (8.0, "countdown", "2"),
        (9.0, "countdown", "1"),
    ]


def test_rest_between_zero_means_no_rest_steps():
    data = load_routine("bedtime").model_dump(by_alias=True, mode="json")
    data["rest_between_s"] = 0
    routine = parse_routine(yaml.safe_dump(data), "x.yaml")
    timeline = build_timeline(routine, leg="right", tempo_s=3)
    assert [s.kind for s in timeline.steps] == ["reps", "reps", "reps", "letters", "hold"]
    assert timeline.total_s == 239.0


def test_rep_cues_every_tempo(bedtime):
    timeline = build_timeline(bedtime, leg="left", tempo_s=2.5)
    step = timeline.steps[0]
    assert step.cues[0].kind == "start"
    assert step.cues[0].at_s == 0.0
    assert step.cues[0].text == "Ankle circles: Clockwise circles (left leg)"
    reps = [c for c in step.cues if c.kind == "rep"]
    assert [c.at_s for c in reps] == [(n - 1) * 2.5 for n in range(1, 11)]
    assert [c.count for c in reps] == list(range(1, 11))
    assert reps[0].text == "Circle 1 of 10, clockwise"
    assert reps[-1].text == "Circle 10 of 10, clockwise"
    assert [c.say for c in reps] == [str(n) for n in range(1, 11)]
    assert step.instruction.startswith("Stand with one hand on a wall for balance. Lift the left")


def test_toe_point_phases_at_half_tempo(bedtime):
    timeline = build_timeline(bedtime, leg="right", tempo_s=3)
    step = timeline.steps[3]
    assert step.label == "Toe points"
    body = [(c.at_s, c.kind, c.count) for c in step.cues[1:]]
    expected = []
    for n in range(1, 11):
        expected += [((n - 1) * 3.0, "rep", n), ((n - 1) * 3.0 + 1.5, "phase", n)]
    assert body == expected
    assert step.cues[1].text == "Point 1 of 10: point your toes down"
    assert step.cues[1].say == "1. Point your toes down"
    assert step.cues[2].text == "Pull your foot up toward your shin"
    assert step.cues[2].say == "Pull your foot up toward your shin"


def test_one_letter_cue_per_letter_in_order(bedtime):
    step = build_timeline(bedtime, leg="right").steps[5]
    letters = [c for c in step.cues if c.kind == "letter"]
    assert [c.say for c in letters] == list(string.ascii_uppercase)
    assert [c.at_s for c in letters] == [4.0 * n for n in range(26)]
    assert letters[0].text == "Letter A (1 of 26)"
    assert letters[-1].text == "Letter Z (26 of 26)"
    assert [c.kind for c in step.cues] == ["start"] + ["letter"] * 26


def test_hold_breathing_alternates_and_stops_before_the_countdown(bedtime):
    step = build_timeline(bedtime, leg="right").steps[7]
    assert [(c.at_s, c.kind, c.text) for c in step.cues] == [
        (0.0, "start", "Child's pose (Balasana): Hold and breathe"),
        (0.0, "breath", "Breathe in"),
        (4.0, "breath", "Breathe out"),
        (10.0, "breath", "Breathe in"),
        (14.0, "breath", "Breathe out"),
        (20.0, "breath", "Breathe in"),
        (24.0, "breath", "Breathe out"),
        (30.0, "breath", "Breathe in"),
        (34.0, "breath", "Breathe out"),
        (42.0, "countdown", "3"),
        (43.0, "countdown", "2"),
        (44.0, "countdown", "1"),
    ]
    assert step.cues[0].say == "Hold and breathe. Hold."
    assert [c.count for c in step.cues[-3:]] == [3, 2, 1]


def test_legs_each_expands_chosen_leg_first():
    routine = load_routine("calf-stretch")
    timeline = build_timeline(routine, leg="left", tempo_s=3)
    calf = [(s.kind, s.label, s.leg) for s in timeline.steps[:12]]
    assert calf == [
        ("hold", "Hold the calf stretch 1/3", "left"),
        ("rest", "Rest", None),
        ("hold", "Hold the calf stretch 2/3", "left"),
        ("rest", "Rest", None),
        ("hold", "Hold the calf stretch 3/3", "left"),
        ("rest", "Switch legs", None),
        ("hold", "Hold the calf stretch 1/3", "right"),
        ("rest", "Rest", None),
        ("hold", "Hold the calf stretch 2/3", "right"),
        ("rest", "Rest", None),
        ("hold", "Hold the calf stretch 3/3", "right"),
        ("rest", "Rest", None),
    ]
    assert timeline.steps[5].instruction == "Rest. Next: Calf stretch, right leg."
    assert timeline.steps[11].instruction == "Rest. Next: Hamstring stretch."
    hamstring = [s.leg for s in timeline.steps[12:] if s.kind == "hold"]
    assert hamstring == ["left"] * 3 + ["right"] * 3
    assert len(timeline.steps) == 23
    assert timeline.total_s == 230.0  # 12 holds of 10 s + 11 rests of 10 s
    assert "Step the left foot back" in timeline.steps[0].instruction
    assert "Step the right foot back" in timeline.steps[6].instruction


def test_tempo_scale_slows_cramp_now():
    timeline = build_timeline(load_routine("cramp-now"), leg="right", tempo_s=3)
    assert timeline.steps[0].kind == "confirm"
    assert timeline.steps[0].duration_s == 60.0
    assert timeline.steps[0].planned == 1.0
    reps = [s for s in timeline.steps if s.kind == "reps"]
    assert [(s.label, s.planned, s.unit_s, s.duration_s) for s in reps] == [
        ("Clockwise circles", 5.0, 4.5, 22.5),
        ("Counterclockwise circles", 5.0, 4.5, 22.5),
        ("Toe points", 5.0, 4.5, 22.5),
    ]
    phases = [c.at_s for c in reps[2].cues if c.kind in ("rep", "phase")]
    assert phases == [0.0, 2.25, 4.5, 6.75, 9.0, 11.25, 13.5, 15.75, 18.0, 20.25]
    # 60 stretch until it stops + 50 gentle stretch (2 x 20 s, 10 s rest) + 3 x 22.5 reps
    # + 25 letters + 20 warmth + 10 help, and 6 rests of 8 s between the exercises (none
    # between the two directions of circles)
    assert timeline.total_s == 60 + 50 + 67.5 + 25 + 20 + 10 + 6 * 8


def test_a_sets_own_tempo_wins_over_the_session_tempo():
    data = load_routine("cramp-now").model_dump(by_alias=True, mode="json")
    data["exercises"][2]["sets"][0]["tempo_s"] = 2
    routine = parse_routine(yaml.safe_dump(data), "x.yaml")
    timeline = build_timeline(routine, leg="right", tempo_s=3)
    clockwise, counter = (
        s for s in timeline.steps if s.exercise_id == "ankle-circles" and s.kind == "reps"
    )
    # Neither the session tempo nor the routine's tempo_scale touch a set's own tempo.
    assert (clockwise.unit_s, clockwise.duration_s) == (2.0, 10.0)
    assert (counter.unit_s, counter.duration_s) == (4.5, 22.5)


@pytest.mark.parametrize("leg", ["middle", "Left", "", None])
def test_invalid_leg(bedtime, leg):
    with pytest.raises(ValueError, match="leg must be left, right or both"):
        build_timeline(bedtime, leg=leg)


@pytest.mark.parametrize("tempo", [0, -1, 0.0, math.nan, math.inf, -math.inf])
def test_invalid_tempo(bedtime, tempo):
    with pytest.raises(ValueError, match="tempo must be a positive number"):
        build_timeline(bedtime, leg="right", tempo_s=tempo)


def test_cue_times_are_absolute(bedtime):
    timeline = build_timeline(bedtime, leg="right", tempo_s=3)
    times = timeline.cue_times()
    assert (
        len(times) == sum(len(s.cues) for s in timeline.steps) == 11 + 11 + 4 + 21 + 4 + 27 + 4 + 12
    )
    assert [t for t, _, _ in times] == sorted(t for t, _, _ in times)
    assert times[-1][0] == 268.0  # the final "1" of child's pose
    letter_a = next(t for t, _, cue in times if cue.kind == "letter")
    assert letter_a == 110.0


def test_step_completed(bedtime):
    timeline = build_timeline(bedtime, leg="right", tempo_s=3)
    reps, letters, hold = timeline.steps[0], timeline.steps[5], timeline.steps[7]
    assert [reps.completed(t) for t in (-1, 0, 2.999, 3, 5.9, 6, 29.99, 30, 99)] == [
        0.0,
        0.0,
        0.0,
        1.0,
        1.0,
        2.0,
        9.0,
        10.0,
        10.0,
    ]
    assert letters.completed(8.0) == 2.0
    assert letters.completed(200.0) == 26.0
    assert hold.completed(12.34567) == 12.346
    assert hold.completed(100) == 45.0


# -- any valid routine ----------------------------------------------------------------------

labels = st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12).filter(str.strip)
seconds = st.floats(min_value=0.25, max_value=90, allow_nan=False, allow_infinity=False)


@st.composite
def hold_sets(draw):
    hold = draw(seconds)
    data = {"type": "hold", "label": draw(labels), "seconds": hold}
    if draw(st.booleans()):
        data["min_seconds"] = draw(st.floats(min_value=0.1, max_value=hold))
        data["max_seconds"] = draw(st.floats(min_value=hold, max_value=600))
    if draw(st.booleans()):
        data["repeats"] = draw(st.integers(1, 4))
        data["rest_s"] = draw(st.sampled_from([0, 0.5, 5, 10, 12.5]))
    if draw(st.booleans()):
        data["breathing"] = {
            "inhale_s": draw(st.floats(min_value=0.5, max_value=20)),
            "exhale_s": draw(st.floats(min_value=0.5, max_value=20)),
        }
    return data


reps_sets = st.fixed_dictionaries(
    {"type": st.just("reps"), "label": labels, "reps": st.integers(1, 40)},
    optional={
        "tempo_s": st.floats(min_value=0.1, max_value=60),
        "direction": st.sampled_from(["clockwise", "counterclockwise"]),
        "phases": st.lists(labels, min_size=1, max_size=4),
        "cue": st.sampled_from(["{n} of {total}", "Rep {n}", "Go {leg}!"]),
    },
)
letters_sets = st.fixed_dictionaries(
    {
        "type": st.just("letters"),
        "label": labels,
        "letters": st.one_of(
            st.text(alphabet=string.ascii_letters, min_size=1, max_size=30),
            st.sampled_from(["A-Z", "a-e", "M - P", "Q-Q"]),
        ),
    },
    optional={"seconds_per_letter": st.floats(min_value=0.5, max_value=10)},
)
confirm_sets = st.fixed_dictionaries(
    {"type": st.just("confirm"), "label": labels, "prompt": labels},
    optional={"auto_after_s": st.floats(min_value=1, max_value=120)},
)
any_set = st.one_of(reps_sets, letters_sets, hold_sets(), confirm_sets)


@st.composite
def routines(draw):
    count = draw(st.integers(1, 4))
    exercises = [
        {
            "id": f"ex-{i}",
            "title": draw(labels),
            "legs": draw(st.sampled_from(["chosen", "each", "none"])),
            "instructions": ["Move the {leg} foot."],
            "sources": ["src"],
            "sets": draw(st.lists(any_set, min_size=1, max_size=3)),
        }
        for i in range(count)
    ]
    data = {
        "schema": 1,
        "name": "random",
        "title": "Random",
        "version": 1,
        "summary": "Generated.",
        "tempo_scale": draw(st.floats(min_value=0.2, max_value=5)),
        "rest_between_s": draw(st.sampled_from([0, 2, 5.5, 10, 30])),
        "sources": {"src": {"citation": "Some source, 2024."}},
        "exercises": exercises,
    }
    return parse_routine(yaml.safe_dump(data), "generated.yaml")


@settings(max_examples=150, deadline=None)
@given(
    routine=routines(),
    leg=st.sampled_from(["left", "right"]),
    tempo=st.floats(min_value=0.2, max_value=20),
)
def test_timeline_invariants(routine, leg, tempo):
    timeline = build_timeline(routine, leg=leg, tempo_s=tempo)
    steps = timeline.steps
    assert timeline.total_s == math.fsum(s.duration_s for s in steps)
    assert [s.index for s in steps] == list(range(len(steps)))
    assert timeline.starts[0] == 0.0
    for before, after, step in zip(timeline.starts, timeline.starts[1:], steps, strict=False):
        assert after == before + step.duration_s
    assert steps[0].kind != "rest"
    assert steps[-1].kind != "rest"
    other = "left" if leg == "right" else "right"
    for step in steps:
        assert step.duration_s > 0
        times = [c.at_s for c in step.cues]
        assert times == sorted(times)
        assert all(0 <= t <= step.duration_s for t in times)
        assert step.cues and step.cues[0].kind == "start" and step.cues[0].at_s == 0
        exercise = next(e for e in routine.exercises if e.id == step.exercise_id)
        if step.kind == "rest":
            assert step.leg is None
            assert step.duration_s == step.planned
        elif exercise.legs == "none":
            assert step.leg is None
        elif exercise.legs == "chosen":
            assert step.leg == leg
        else:
            assert step.leg in (leg, other)
        if step.kind == "reps":
            rep_cues = [c for c in step.cues if c.kind == "rep"]
            assert len(rep_cues) == step.planned
            assert [c.count for c in rep_cues] == list(range(1, int(step.planned) + 1))
            assert math.isclose(step.duration_s, step.unit_s * step.planned)
        if step.kind == "letters":
            assert len([c for c in step.cues if c.kind == "letter"]) == len(step.letters)
            assert step.planned == len(step.letters)
        if step.kind == "hold":
            breaths = [c.text for c in step.cues if c.kind == "breath"]
            assert breaths == ["Breathe in", "Breathe out"] * (len(breaths) // 2)
            countdown = [c.at_s for c in step.cues if c.kind == "countdown"]
            if countdown:
                assert countdown == [step.duration_s - k for k in (3, 2, 1)]
                breath_times = [c.at_s for c in step.cues if c.kind == "breath"]
                assert all(t < countdown[0] for t in breath_times)
        # With legs "each", the chosen leg comes first.
    for exercise in routine.exercises:
        legs = [s.leg for s in steps if s.exercise_id == exercise.id and s.kind != "rest"]
        if exercise.legs == "each":
            half = len(legs) // 2
            assert legs == [leg] * half + [other] * half


def test_both_legs_work_each_exercise_on_the_right_then_the_left(bedtime):
    one = build_timeline(bedtime, leg="left")
    both = build_timeline(bedtime, leg="both")
    assert both.leg == "both"
    worked = [(s.exercise_id, s.leg) for s in both.steps if s.is_exercise]
    for exercise in bedtime.exercises:
        legs = [leg for ex, leg in worked if ex == exercise.id]
        if exercise.legs == "none":
            assert set(legs) == {None}
            continue
        half = len(legs) // 2
        assert legs == ["right"] * half + ["left"] * half, exercise.id
        switch = [
            s for s in both.steps if s.label == "Switch legs" and s.exercise_id == exercise.id
        ]
        assert len(switch) == 1
    assert both.total_s > one.total_s
    chosen = [e for e in bedtime.exercises if e.legs == "chosen"]
    assert chosen, "the bedtime routine has exercises for the chosen leg"
    for exercise in chosen:
        single = [s for s in one.steps if s.exercise_id == exercise.id and s.is_exercise]
        double = [s for s in both.steps if s.exercise_id == exercise.id and s.is_exercise]
        assert len(double) == 2 * len(single)
