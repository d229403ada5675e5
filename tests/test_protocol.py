"""The shipped routines say what the sources say; bad routine files fail in one clear line."""

from __future__ import annotations

import copy
import string
from pathlib import Path

import pytest
import yaml

from crampcoach.errors import RoutineError
from crampcoach.protocol import list_routines, load_routine, parse_routine
from crampcoach.protocol.loader import builtin_names
from crampcoach.protocol.models import ConfirmSet, HoldSet, LettersSet, RepsSet

ROUTINES_DIR = Path(__file__).parents[1] / "src" / "crampcoach" / "protocol" / "routines"


def _bedtime_data() -> dict:
    return yaml.safe_load((ROUTINES_DIR / "bedtime.yaml").read_text(encoding="utf-8"))


def _exercise(routine, exercise_id):
    return next(e for e in routine.exercises if e.id == exercise_id)


# -- the shipped routines -------------------------------------------------------------------


def test_builtin_names():
    assert builtin_names() == ["bedtime", "calf-stretch", "cramp-now"]
    assert [r.name for r in list_routines()] == ["bedtime", "calf-stretch", "cramp-now"]


def test_bedtime_follows_the_article_order():
    routine = load_routine("bedtime")
    assert routine.mode == "bedtime"
    assert routine.tempo_scale == 1.0
    assert routine.rest_between_s == 10
    assert [e.id for e in routine.exercises] == [
        "ankle-circles",
        "toe-points",
        "toe-writing",
        "childs-pose",
    ]
    assert [e.legs for e in routine.exercises] == ["chosen", "chosen", "chosen", "none"]


def test_bedtime_ankle_circles_ten_each_way():
    circles = _exercise(load_routine("bedtime"), "ankle-circles")
    assert all(isinstance(item, RepsSet) for item in circles.sets)
    assert [(s.reps, s.direction) for s in circles.sets] == [
        (10, "clockwise"),
        (10, "counterclockwise"),
    ]
    assert all(s.tempo_s is None for s in circles.sets)  # the session tempo applies


def test_bedtime_toe_points_have_down_and_up_phases():
    (points,) = _exercise(load_routine("bedtime"), "toe-points").sets
    assert isinstance(points, RepsSet)
    assert points.reps == 10
    assert points.phases == ("Point your toes down", "Pull your foot up toward your shin")
    assert points.direction is None


def test_bedtime_toe_writing_is_the_whole_alphabet():
    (writing,) = _exercise(load_routine("bedtime"), "toe-writing").sets
    assert isinstance(writing, LettersSet)
    assert writing.letters == string.ascii_uppercase
    assert writing.seconds_per_letter == 4


def test_bedtime_childs_pose_holds_30_to_60_seconds_with_breathing():
    (hold,) = _exercise(load_routine("bedtime"), "childs-pose").sets
    assert isinstance(hold, HoldSet)
    assert (hold.seconds, hold.min_seconds, hold.max_seconds) == (45, 30, 60)
    assert hold.repeats == 1
    assert hold.breathing is not None
    assert (hold.breathing.inhale_s, hold.breathing.exhale_s) == (4, 6)


@pytest.mark.parametrize("name", ["bedtime", "cramp-now", "calf-stretch"])
def test_every_exercise_has_instructions_and_cited_sources(name):
    routine = load_routine(name)
    for exercise in routine.exercises:
        assert exercise.instructions, exercise.id
        assert all(line.strip() for line in exercise.instructions)
        assert exercise.sources, exercise.id
        for key in exercise.sources:
            assert len(routine.sources[key].citation) >= 5
    assert routine.notes  # every shipped routine says to talk to a doctor
    assert any("doctor" in note for note in routine.notes)


def test_bedtime_sources_are_aaos_and_yoga_journal():
    routine = load_routine("bedtime")
    assert set(routine.sources) == {"aaos", "yogajournal"}
    assert "American Academy of Orthopaedic Surgeons" in routine.sources["aaos"].citation
    assert "Yoga Journal" in routine.sources["yogajournal"].citation
    assert {e.id: e.sources for e in routine.exercises} == {
        "ankle-circles": ("aaos",),
        "toe-points": ("aaos",),
        "toe-writing": ("aaos",),
        "childs-pose": ("yogajournal",),
    }


def test_calf_stretch_is_hallegraeff_2012():
    routine = load_routine("calf-stretch")
    assert routine.mode == "stretch"
    (key,) = routine.sources
    citation = routine.sources[key].citation
    for fragment in ("Hallegraeff", "2012", "J Physiother", "58", "17-22"):
        assert fragment in citation
    assert [e.id for e in routine.exercises] == ["calf-stretch", "hamstring-stretch"]
    for exercise in routine.exercises:
        assert exercise.legs == "each"
        assert exercise.sources == (key,)
        (hold,) = exercise.sets
        assert isinstance(hold, HoldSet)
        assert (hold.seconds, hold.repeats, hold.rest_s) == (10, 3, 10)
        assert hold.breathing is None


def test_cramp_now_stretches_first_then_smaller_slower_sets():
    cramp = load_routine("cramp-now")
    bedtime = load_routine("bedtime")
    assert cramp.mode == "cramp-now"
    assert cramp.tempo_scale == 1.5
    first = cramp.exercises[0]
    assert first.id == "stretch-and-rub"
    assert [type(s) for s in first.sets] == [ConfirmSet]  # held until the cramp stops
    assert first.sets[0].auto_after_s == 60
    assert "nhs" in cramp.sources
    # The movements come back smaller than at bedtime.
    for exercise_id in ("ankle-circles", "toe-points"):
        small = [s.reps for s in _exercise(cramp, exercise_id).sets]
        full = [s.reps for s in _exercise(bedtime, exercise_id).sets]
        assert small == [5] * len(full)
        assert all(a < b for a, b in zip(small, full, strict=True))
    (letters,) = _exercise(cramp, "toe-writing").sets
    assert letters.letters == "ABCDE"
    assert len(letters.letters) < 26


# -- custom routine files -------------------------------------------------------------------

CUSTOM = """\
schema: 1
name: my-routine
title: My routine
version: 2
summary: Just circles.
sources:
  me:
    citation: "My physiotherapist, 2024."
exercises:
  - id: circles
    title: Circles
    legs: chosen
    instructions: ["Draw circles with the {leg} foot."]
    sources: [me]
    sets:
      - type: reps
        label: Circles
        reps: 4
        tempo_s: 2
      - type: letters
        label: Letters
        letters: "a b c"
"""


def test_custom_routine_file_loads_by_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(CUSTOM, encoding="utf-8")
    routine = load_routine(str(path))
    assert routine.name == "my-routine"
    assert routine.version == 2
    assert routine.mode == "custom"
    assert routine.rest_between_s == 10
    reps, letters = routine.exercises[0].sets
    assert (reps.reps, reps.tempo_s, reps.cue) == (4, 2, "{n} of {total}")
    assert letters.letters == "ABC"


def test_a_shipped_name_wins_over_a_file_of_that_name(tmp_path, monkeypatch):
    # Decision: `bedtime` always means the shipped routine; `./bedtime` means the file.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bedtime").write_text(CUSTOM, encoding="utf-8")
    assert load_routine("bedtime").name == "bedtime"
    assert load_routine("./bedtime").name == "my-routine"


def test_letter_range_expands():
    data = _bedtime_data()
    data["exercises"][2]["sets"][0]["letters"] = " c - f "
    routine = parse_routine(yaml.safe_dump(data), "x.yaml")
    assert routine.exercises[2].sets[0].letters == "CDEF"


# -- bad files ------------------------------------------------------------------------------


def _error_for(data, origin="bad.yaml") -> str:
    with pytest.raises(RoutineError) as caught:
        parse_routine(yaml.safe_dump(data, sort_keys=False), origin)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{origin}: ")
    return message


def _mutated(change) -> dict:
    data = _bedtime_data()
    change(data)
    return data


def test_negative_reps_names_the_field_path():
    data = _mutated(lambda d: d["exercises"][0]["sets"][0].update(reps=-3))
    assert _error_for(data) == (
        "bad.yaml: exercises[0].sets[0].reps: Input should be greater than or equal to 1 (got -3)"
    )


def test_letters_field_path_is_not_swallowed():
    data = _mutated(lambda d: d["exercises"][2]["sets"][0].update(letters="Z-A"))
    assert _error_for(data) == (
        "bad.yaml: exercises[2].sets[0].letters: letter range 'Z-A' runs backwards (got 'Z-A')"
    )


def test_non_letters_are_refused():
    data = _mutated(lambda d: d["exercises"][2]["sets"][0].update(letters="AB1"))
    assert "exercises[2].sets[0].letters: letters must be letters" in _error_for(data)


def test_zero_second_hold():
    data = _mutated(
        lambda d: d["exercises"][3]["sets"][0].update(seconds=0, min_seconds=None, max_seconds=None)
    )
    # Only the real problem: no echo about the set list being empty after validation.
    assert _error_for(data) == (
        "bad.yaml: exercises[3].sets[0].seconds: Input should be greater than 0 (got 0)"
    )


def test_hold_outside_its_own_range():
    data = _mutated(lambda d: d["exercises"][3]["sets"][0].update(seconds=90))
    assert _error_for(data) == (
        "bad.yaml: exercises[3].sets[0]: seconds (90) must lie between min_seconds (30) "
        "and max_seconds (60)"
    )


def test_unknown_field():
    data = _mutated(lambda d: d["exercises"][1].update(colour="red"))
    assert _error_for(data) == "bad.yaml: exercises[1].colour: is not a known field"


def test_unknown_field_inside_a_set():
    data = _mutated(lambda d: d["exercises"][0]["sets"][1].update(speed=3))
    assert _error_for(data) == "bad.yaml: exercises[0].sets[1].speed: is not a known field"


def test_missing_field():
    data = _mutated(lambda d: d["exercises"][1].pop("title"))
    assert _error_for(data) == "bad.yaml: exercises[1].title: is required"


def test_missing_top_level_field():
    data = _mutated(lambda d: d.pop("name"))
    assert _error_for(data) == "bad.yaml: name: is required"


def test_unknown_set_type():
    data = _mutated(lambda d: d["exercises"][2]["sets"][0].update(type="jump"))
    message = _error_for(data)
    assert message.startswith("bad.yaml: exercises[2].sets[0]: Input tag 'jump'")
    assert "'reps', 'letters', 'hold', 'confirm'" in message


def test_undeclared_source():
    data = _mutated(lambda d: d["exercises"][2].update(sources=["nope"]))
    assert _error_for(data) == (
        "bad.yaml: (top level): exercises[2] (toe-writing) cites source 'nope', "
        "which is not in the routine's sources (aaos, yogajournal)"
    )


def test_duplicate_exercise_ids():
    data = _mutated(lambda d: d["exercises"][1].update(id="ankle-circles"))
    assert "exercise ids must be unique; repeated: ankle-circles" in _error_for(data)


def test_many_problems_are_summarised_on_one_line():
    def change(d):
        for exercise in d["exercises"]:
            exercise.pop("title")

    assert _error_for(_mutated(change)) == (
        "bad.yaml: exercises[0].title: is required; exercises[1].title: is required; "
        "exercises[2].title: is required (and 1 more)"
    )


def test_invalid_yaml_gives_the_line():
    text = "name: x\nexercises:\n  - id: a\n   title: b\n"
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "broken.yaml")
    assert str(caught.value) == (
        "broken.yaml: invalid YAML at line 4, column 4: did not find expected '-' indicator"
    )


def test_invalid_yaml_in_a_file_names_the_file(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RoutineError) as caught:
        load_routine(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid YAML at line 2")
    assert "\n" not in message


@pytest.mark.parametrize("text", ["- a\n- b\n", "", "just a string\n", "42\n"])
def test_not_a_mapping(text):
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "list.yaml")
    assert str(caught.value) == (
        "list.yaml: a routine file must be a YAML mapping with name, exercises"
    )


def test_unknown_routine_name_lists_the_known_ones():
    with pytest.raises(RoutineError) as caught:
        load_routine("nosuch")
    assert str(caught.value) == (
        "unknown routine 'nosuch'; choose one of: bedtime, calf-stretch, cramp-now, "
        "or give the path to a routine file"
    )


def test_missing_file(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(RoutineError) as caught:
        load_routine(str(path))
    assert str(caught.value) == f"{path}: no such routine file"


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Übungen\n".encode("latin-1"))
    with pytest.raises(RoutineError) as caught:
        load_routine(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot read the routine file: ")
    assert "utf-8" in message
    assert "\n" not in message


def test_routine_error_is_a_user_error():
    from crampcoach.errors import UserError

    assert issubclass(RoutineError, UserError)
    assert RoutineError.exit_code == 2


def test_routines_are_frozen():
    routine = load_routine("bedtime")
    with pytest.raises(ValueError):
        routine.name = "other"  # type: ignore[misc]


def test_schema_version_must_be_1():
    data = _bedtime_data()
    data["schema"] = 2
    assert _error_for(data).startswith("bad.yaml: schema: Input should be 1")


def test_dumped_builtin_round_trips():
    for routine in list_routines():
        data = routine.model_dump(by_alias=True, mode="json")
        again = parse_routine(yaml.safe_dump(data), "again.yaml")
        assert again == routine
        assert copy.deepcopy(again) == routine


# -- issue 16, item 2: cramp now by the sources --------------------------------------------
def test_every_step_of_every_shipped_routine_names_a_source() -> None:
    from crampcoach.session import build_timeline

    for name in builtin_names():
        routine = load_routine(name)
        by_id = {exercise.id: exercise for exercise in routine.exercises}
        for step in build_timeline(routine, leg="right").steps:
            if step.kind == "rest":
                continue
            cited = by_id[step.exercise_id].sources
            assert cited, f"{name}: step {step.label!r} names no source"
            for key in cited:
                source = routine.sources[key]
                assert source.citation and source.url, f"{name}: {key} has no citation or URL"


def test_cramp_now_does_what_its_sources_say_in_their_order() -> None:
    routine = load_routine("cramp-now")
    ids = [exercise.id for exercise in routine.exercises]
    assert ids[0] == "stretch-and-rub"  # during the cramp: stretch and massage (AAOS, NHS)
    first = " ".join(routine.exercises[0].instructions).lower()
    assert "stretch" in first and "rub" in first and "until the cramp stops" in first
    assert "wait" not in first  # not "wait for it to ease": the sources say stretch
    assert ids.index("gentle-stretch") < ids.index("ankle-circles")  # once it lets go
    assert ids.index("ankle-circles") < ids.index("warmth-after") < ids.index("when-to-get-help")
    warmth = " ".join(routine.exercises[ids.index("warmth-after")].instructions).lower()
    assert "warm" in warmth and "cold" in warmth
    help_ = " ".join(routine.exercises[ids.index("when-to-get-help")].instructions)
    assert "10 minutes" in help_ and "numbness or swelling" in help_
    cited = {exercise.id: set(exercise.sources) for exercise in routine.exercises}
    assert cited["stretch-and-rub"] == {"aaos", "nhs"}
    assert cited["when-to-get-help"] == {"nhs"}


def test_what_helped_offers_the_cramp_now_steps() -> None:
    from crampcoach.diary.models import HELPED

    assert {"stretching", "massage", "warmth", "cold"} <= set(HELPED)
