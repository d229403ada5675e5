"""`crampcoach routines` and `crampcoach routines show NAME`, run in-process and as a program."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from crampcoach.cli import main


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COLUMNS", "100")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as caught:
        main(list(argv))
    out, err = capsys.readouterr()
    code = caught.value.code
    return (0 if code is None else code), out, err


def flat(text: str) -> str:
    """Rich wraps long lines; compare text with all runs of whitespace made one space."""
    return " ".join(text.split())


def assert_one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("crampcoach: error: ")
    return lines[0]


def test_routines_lists_the_shipped_routines(capsys):
    code, out, err = run(capsys, "routines")
    assert (code, err) == (0, "")
    names = [line.split()[0] for line in out.splitlines() if line.strip()][:3]
    assert names == ["bedtime", "calf-stretch", "cramp-now"]
    text = flat(out)
    assert "Bedtime routine for night ankle cramps" in text
    assert "Calf and hamstring stretches before sleep" in text
    assert "Cramp now" in text
    assert "(4 min, bedtime)" in text  # 269 s
    assert "crampcoach routines show NAME" in text


def test_show_bedtime_prints_the_four_exercises_in_order_with_sources(capsys):
    code, out, err = run(capsys, "routines", "show", "bedtime")
    assert (code, err) == (0, "")
    text = flat(out)
    titles = [
        "1. Ankle circles",
        "2. Toe points",
        "3. Toe writing",
        "4. Child's pose (Balasana)",
    ]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    assert "Clockwise circles: 10 reps, clockwise, 3 s each" in text
    assert "Counterclockwise circles: 10 reps, counterclockwise, 3 s each" in text
    assert "Toe points: 10 reps, 3 s each" in text
    assert "26 letters (ABCDEFGHIJKLMNOPQRSTUVWXYZ), 4 s each" in text
    assert "Hold and breathe: hold 45 s (30-60 s), slow breathing" in text
    assert text.count("Source: aaos") == 3
    assert text.count("Source: yogajournal") == 1
    assert "aaos: American Academy of Orthopaedic Surgeons. Muscle Cramps. OrthoInfo." in text
    assert "yogajournal: Yoga Journal. Child's Pose (Balasana)." in text
    assert "Talk to your doctor" in text
    assert "[bold]" not in out  # markup is rendered, not printed


def test_show_calf_stretch_cites_hallegraeff(capsys):
    code, out, err = run(capsys, "routines", "show", "calf-stretch")
    assert (code, err) == (0, "")
    text = flat(out)
    assert "Hallegraeff JM" in text
    assert "J Physiother. 2012;58(1):17-22." in text
    assert "1. Calf stretch (each leg)" in text
    assert "2. Hamstring stretch (each leg)" in text
    assert text.count("hold 10 s, 3 times with 10 s rest") == 2


def test_show_cramp_now_is_slower(capsys):
    code, out, _ = run(capsys, "routines", "show", "cramp-now")
    assert code == 0
    text = flat(out)
    assert "Clockwise circles: 5 reps, clockwise, 4.5 s each" in text
    assert "Until the cramp stops: Stretch and rub." in text


def test_show_unknown_routine(capsys):
    code, out, err = run(capsys, "routines", "show", "nosuch")
    assert code == 2
    assert out == ""
    line = assert_one_line_error(err)
    assert line == (
        "crampcoach: error: unknown routine 'nosuch'; choose one of: bedtime, calf-stretch, "
        "cramp-now, or give the path to a routine file"
    )


def test_show_a_custom_file(capsys, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        """\
name: mine
title: My own routine
version: 3
summary: Circles only.
sources: {me: {citation: "My physiotherapist."}}
exercises:
  - id: circles
    title: Circles
    legs: chosen
    instructions: ["Circle the {leg} foot."]
    sources: [me]
    sets: [{type: reps, label: Circles, reps: 12, tempo_s: 2}]
""",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "routines", "show", str(path))
    assert (code, err) == (0, "")
    text = flat(out)
    assert "My own routine (mine v3, custom, about 0 min)" in text
    assert "Circles: 12 reps, 2 s each" in text
    assert "me: My physiotherapist." in text


def test_show_an_invalid_file_names_the_field(capsys, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        """\
name: bad
title: Bad
version: 1
summary: Negative reps.
sources: {me: {citation: "My physiotherapist."}}
exercises:
  - id: circles
    title: Circles
    legs: chosen
    instructions: ["Circle."]
    sources: [me]
    sets: [{type: reps, label: Circles, reps: -1}]
""",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "routines", "show", str(path))
    assert code == 2
    assert out == ""
    line = assert_one_line_error(err)
    assert line == (
        f"crampcoach: error: {path}: exercises[0].sets[0].reps: "
        "Input should be greater than or equal to 1 (got -1)"
    )


def test_show_a_missing_file(capsys, tmp_path):
    path = tmp_path / "absent.yaml"
    code, _, err = run(capsys, "routines", "show", str(path))
    assert code == 2
    assert assert_one_line_error(err) == f"crampcoach: error: {path}: no such routine file"


def test_show_invalid_yaml(capsys, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ntitle: [unclosed\n", encoding="utf-8")
    code, _, err = run(capsys, "routines", "show", str(path))
    assert code == 2
    assert assert_one_line_error(err).startswith(f"crampcoach: error: {path}: invalid YAML at line")


def test_show_without_a_name_is_a_usage_error(capsys):
    code, _, err = run(capsys, "routines", "show")
    assert code == 2
    assert "Missing argument" in assert_one_line_error(err)


def test_as_a_program(tmp_path):
    env = {**os.environ, "CRAMPCOACH_DATA_DIR": str(tmp_path), "COLUMNS": "100"}
    ok = subprocess.run(
        [sys.executable, "-m", "crampcoach", "routines", "show", "bedtime"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "Ankle circles" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "crampcoach", "routines", "show", "nosuch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("crampcoach: error: unknown routine 'nosuch'")
    assert "Traceback" not in bad.stderr
    assert len(bad.stderr.splitlines()) == 1
