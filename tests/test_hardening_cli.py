"""Issue 14, items 4, 5 and 8 (CLI and imports): no command breaks, imports are safe.

Item 4: two imports of a file at once both succeed and store each entry once (SQLite and
PostgreSQL). Item 5: every bad input to a command is one line on stderr and exit code 2,
quoting at most a short excerpt, and nothing stored changes. Item 8: imports refuse what
the diary's models refuse, a null or empty id is a missing one, and the CSV export cannot
carry a formula into a spreadsheet.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from crampcoach.diary.bounds import MAX_NIGHTS
from crampcoach.export.diary_csv import neutralise, read_csv, restore, write_csv
from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.fixtures.motion import generate
from crampcoach.services import diary_files
from crampcoach.services.diary_files import ImportResult, export_diary, import_diary
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store.models import Base, EpisodeRow, RoutineSessionRow, RoutineStepRow

HISTORY = generate_history(nights=365, seed=14)
MAX_LINE = 400  # a message names the fault and quotes an excerpt; never the whole value
HUGE = "x" * 100_000  # as long as one command-line argument can be (128 KiB)


def one_line_error(result: Any, *, contains: str = "", what: object = "") -> str:
    """The result is exit code 2 with one short line on stderr (and no traceback)."""
    assert result.code == 2, (what, result.code, result.err[-2000:])
    line = result.err.rstrip("\n")
    assert "\n" not in line and line.startswith("crampcoach: error: "), (what, line[-2000:])
    assert len(line) <= MAX_LINE, (what, line[:MAX_LINE] + "...")
    assert contains in line, (what, line)
    return line


def snapshot(db_url: str) -> tuple[str, dict[str, int]]:
    """Everything stored: the JSON export plus the number of rows of every table."""
    store = Store(db_url)
    with store.read() as db:
        counts = {
            name: db.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
            for name in Base.metadata.tables
        }
    return export_diary(store, "json"), counts


@pytest.fixture
def seeded(cli, db_url: str) -> tuple[str, dict[str, int]]:
    """A diary with a profile and one entry; returns what is stored."""
    assert cli("profile", "set", "--timezone", "Europe/Amsterdam").code == 0
    logged = cli("log", "--leg", "right", "--where", "calf", "--severity", "6", "--minutes", "2")
    assert logged.code == 0, logged.err
    return snapshot(db_url)


def episode_json(**changes: Any) -> dict[str, Any]:
    fields = {
        "id": "4b9e7a56-3d0c-4e8f-9a1b-2c3d4e5f6a7b",
        "started_at": "2025-03-04T02:30:00+01:00",
        "zone": "Europe/Amsterdam",
        "duration_s": 120,
        "leg": "left",
        "place": "calf",
        "severity": 5,
    }
    fields.update(changes)
    return {key: value for key, value in fields.items() if value is not ...}


def diary_json(*episodes: dict[str, Any]) -> str:
    return json.dumps({"format": "crampcoach-diary", "version": 1, "episodes": list(episodes)})


# ---------------------------------------------------------------------------- item 4


def _at_once(jobs: list[Callable[[], ImportResult]]) -> list[ImportResult]:
    """Run the jobs in threads released together."""
    start = threading.Barrier(len(jobs))

    def run(job: Callable[[], ImportResult]) -> ImportResult:
        start.wait()
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _stored(url: str) -> tuple[int, int, int, int]:
    """(episodes, distinct episode ids, sessions, steps) in the database at `url`."""
    with Store(url).read() as db:
        return (
            db.scalar(select(func.count()).select_from(EpisodeRow)) or 0,
            db.scalar(select(func.count(func.distinct(EpisodeRow.id)))) or 0,
            db.scalar(select(func.count()).select_from(RoutineSessionRow)) or 0,
            db.scalar(select(func.count()).select_from(RoutineStepRow)) or 0,
        )


def test_item4_two_imports_at_once_store_each_entry_once(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    """Two stores of their own (as two processes have: separate engines, no shared writer
    lock) import one file at the same moment, five times over; on PostgreSQL the second
    used to fail on the episodes' primary key."""
    path = tmp_path / "diary.json"
    path.write_text(write_json(HISTORY), encoding="utf-8")
    episodes, sessions = len(HISTORY.episodes), len(HISTORY.sessions)
    steps = sum(len(s.record.steps) for s in HISTORY.sessions)
    for _ in range(5):
        url = new_db_url()
        stores = [Store(url), Store(url)]
        try:
            results = _at_once([lambda s=store: import_diary(s, path) for store in stores])
        finally:
            for store in stores:
                store.close()
        assert sorted(r.episodes_added for r in results) == [0, episodes]
        assert sorted(r.sessions_added for r in results) == [0, sessions]
        for result in results:  # each reports what it really added, and the rest as present
            assert result.episodes_added + result.episodes_present == episodes
            assert result.sessions_added + result.sessions_present == sessions
        assert sorted(r.profile_set for r in results) == [False, True]
        assert _stored(url) == (episodes, episodes, sessions, steps)


def test_item4_overlapping_files_in_opposite_orders_do_not_deadlock(
    new_db_url: Callable[[], str], tmp_path: Path
) -> None:
    """Two files sharing entries, listed in opposite orders, imported at once: rows go in
    by id, so neither waits for the other in a circle (PostgreSQL would abort one)."""
    document = json.loads(write_json(HISTORY))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(document), encoding="utf-8")
    document["episodes"].reverse()
    document["sessions"].reverse()
    second.write_text(json.dumps(document), encoding="utf-8")
    for _ in range(3):
        url = new_db_url()
        stores = [Store(url), Store(url)]
        try:
            jobs = [
                lambda store=store, path=path: import_diary(store, path)
                for store, path in zip(stores, (first, second), strict=True)
            ]
            results = _at_once(jobs)
        finally:
            for store in stores:
                store.close()
        assert sum(r.episodes_added for r in results) == len(HISTORY.episodes)
        assert _stored(url)[:3] == (len(HISTORY.episodes),) * 2 + (len(HISTORY.sessions),)


def test_item4_two_import_commands_at_once(cli_env: dict[str, str], db_url: str) -> None:
    """The real command, twice at once in two processes: both succeed, each entry once."""
    path = Path(cli_env["CRAMPCOACH_DATA_DIR"]).parent / "diary.json"
    path.write_text(write_json(HISTORY), encoding="utf-8")
    Store(db_url)  # migrated before, as a diary in use is
    command = [sys.executable, "-m", "crampcoach", "import", str(path)]
    runs = [
        subprocess.Popen(command, env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (_out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err.decode()[-3000:]
    said = sorted(out.decode() for out, _ in outputs)
    assert said[0].startswith(f"imported 0 entries ({len(HISTORY.episodes)} already present)")
    assert said[1].startswith(f"imported {len(HISTORY.episodes)} entries (0 already present)")
    assert _stored(db_url)[:3] == (len(HISTORY.episodes),) * 2 + (len(HISTORY.sessions),)


# ---------------------------------------------------------------------------- item 5


def test_item5_log_at_year_one_is_one_line(cli, db_url: str, seeded) -> None:
    for at in ("0001-01-01 00:00", "0001-01-01T00:00+05:00", "9999-12-31T23:00-05:00"):
        result = cli(
            "log", "--leg", "left", "--where", "calf", "--severity", "3", "--minutes", "1",
            "--at", at,
        )  # fmt: skip
        one_line_error(result, contains="at: must be between the years 1900 and 2200")
    assert snapshot(db_url) == seeded


@pytest.mark.parametrize(
    ("args", "contains"),
    [
        (["diary", "--nights", "99999999999"], "--nights"),
        (["diary", "--nights", str(MAX_NIGHTS + 1)], "--nights"),
        (["diary", "--from", "0001-01-01"], "--from: must be between the years 1900 and 2200"),
        (["diary", "--to", "9999-12-31"], "--to: must be between"),
        (["trial", "start", "--start", "9999-12-31"], "--start: must be between"),
        (["trial", "start", "--start", "2200-12-31"], "would end on 2201-04-07"),
        (["report", "--from", "0001-01-01", "--to", "9999-12-31", "-o", "-"], "--from: must"),
        (["report", "--to", "9999-12-31", "-o", "-"], "--to: must be between"),
        (["insights", "--from", "0001-01-01"], "--from: must be between"),
        (["insights", "--to", "9999-12-31", "--json"], "--to: must be between"),
        (["insights", "--from", HUGE], "--from: not a date"),
        (["remind", "--at", HUGE, "-o", "-"], "at: cannot read"),
        (["remind", "--at", "0001-01-01 00:00", "-o", "-"], "at: cannot read"),
    ],
    ids=lambda value: " ".join(value)[:40] if isinstance(value, list) else None,
)
def test_item5_dates_out_of_range(cli, db_url: str, seeded, args: list[str], contains) -> None:
    one_line_error(cli(*args), contains=contains)
    assert snapshot(db_url) == seeded


def test_item5_edit_at_year_one_and_nights_at_the_bound(cli, db_url: str, seeded) -> None:
    entry = json.loads(seeded[0])["episodes"][0]["id"]
    one_line_error(cli("diary", "edit", entry, "--at", "0001-01-01 00:00"), contains="at: must")
    assert snapshot(db_url) == seeded
    listed = cli("diary", "--nights", str(MAX_NIGHTS))
    assert listed.code == 0 and "1 cramp on 1 night." in listed.out


CSV_HEADER = "id,started_at,zone,duration_s,leg,place,severity,notes\n"


def csv_row(**cells: str) -> str:
    """A CSV file of one entry, with the given cells changed."""
    row = {"id": "", "at": "2025-03-04T02:30:00+01:00", "severity": "4", "notes": "", **cells}
    return CSV_HEADER + "{id},{at},Europe/Amsterdam,60,left,calf,{severity},{notes}\n".format(**row)


def sessions_json(**changes: Any) -> str:
    """A JSON diary of one session (the first of HISTORY), with the given fields changed."""
    session = {**json.loads(write_json(HISTORY))["sessions"][0], **changes}
    return json.dumps({"format": "crampcoach-diary", "version": 1, "sessions": [session]})


def deep(levels: int) -> str:
    return diary_json(episode_json(tags="@@")).replace('"@@"', "[" * levels + "]" * levels)


FIRST_STEP = json.loads(write_json(HISTORY))["sessions"][0]["steps"][0]

# file name: (its content, what the one-line message says)
BAD_FILES: dict[str, tuple[str, str]] = {
    "y1.json": (
        diary_json(episode_json(started_at="0001-01-01T00:00:00+00:00")),
        "episodes[0], field started_at: must be between the years 1900 and 2200",
    ),
    "y9999.json": (
        diary_json(episode_json(started_at="9999-12-31T23:00:00-05:00")),
        "field started_at: must be between",
    ),
    "y1.csv": (csv_row(at="0001-01-01T00:00:00+00:00"), "line 2, field started_at: must be"),
    "created.json": (
        diary_json(episode_json(created_at="0001-01-01T00:00:00+05:00")),
        "field created_at: must be between",
    ),
    "session_y1.json": (
        sessions_json(started_at="0001-01-01T00:00:00+00:00", ended_at="0001-01-01T00:05:00Z"),
        "sessions[0], field started_at: must be between",
    ),
    "session_tempo.json": (sessions_json(tempo_s=1e999), "sessions[0], field tempo_s"),
    "session_label.json": (
        sessions_json(steps=[{**FIRST_STEP, "label": HUGE}]),
        "sessions[0], field steps",
    ),
    "deep.json": (deep(100_000), "nested deeper than a diary file"),
    "deep900.json": (deep(900), "nested deeper than a diary file"),
    "digits.json": (
        diary_json(episode_json(severity="@@")).replace('"@@"', "9" * 5000),
        "line 1: a number of 5,000 digits",
    ),
    "digits.csv": (csv_row(severity="9" * 5000), "line 2, field severity: not a whole number"),
    "wide.csv": (csv_row(notes="n" * 200_000), "line 2: field larger than field limit"),
    "long_line.json": (diary_json(episode_json(started_at="2" * 5_000_000)), "field started_at"),
    "long_key.json": (diary_json(episode_json(**{"k" * 5_000_000: 1})), "unknown field"),
    "long_id.json": (diary_json(episode_json(id="i" * 5_000_000)), "field id: not an id"),
    "long_column.csv": ("c" * 100_000 + "\n1\n", "unknown column"),
    "long_number.csv": (csv_row(severity="1" * 100_000), "field severity: not a whole number"),
    "version.json": (
        json.dumps({"format": "crampcoach-diary", "version": HUGE}),
        "field version",
    ),
}


def test_item5_bad_import_files_are_one_line(cli, db_url: str, seeded, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for name, (content, contains) in BAD_FILES.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        one_line_error(cli("import", str(path)), contains=contains, what=name)
    (folder / "latin1.csv").write_bytes("notes\nCaf\xe9\n".encode("latin-1"))
    others = [
        (folder, "is a folder, not a diary file"),
        (folder / ("n" * 300 + ".json"), "File name too long"),
        (folder / "latin1.csv", "latin1.csv: not a UTF-8 text file"),
        (folder / "missing.json", "no such file"),
    ]
    for path, contains in others:
        one_line_error(cli("import", str(path)), contains=contains, what=path.name)
    assert snapshot(db_url) == seeded


def test_item5_import_refuses_a_file_too_large(
    cli, db_url: str, seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diary_files, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "large.csv"
    path.write_text("notes\n" + "x" * 2000 + "\n", encoding="utf-8")
    one_line_error(cli("import", str(path)), contains="large.csv: over 0 MB, not a diary file")
    assert snapshot(db_url) == seeded


def test_item5_bad_output_paths(cli, db_url: str, seeded, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    plain = tmp_path / "plain.txt"
    plain.write_text("keep me", encoding="utf-8")
    cases = [
        (["backup", "-o", str(folder)], "it is a folder; give a file name"),
        (["backup", "-o", "/proc/x.db"], "cannot write /proc/x.db: No such file or directory"),
        (["backup", "-o", str(plain / "sub")], "Not a directory"),
        (["backup", "-o", str(plain / "a" / "b.db")], "Not a directory"),
        (["export", "-o", str(folder)], "it is a folder"),
        (["export", "-f", "csv", "-o", str(plain / "sub")], "Not a directory"),
        (["export", "-f", HUGE], "format: use csv, json or fhir"),
        (["remind", "-o", str(folder)], "it is a folder"),
        (["report", "-o", str(plain / "sub")], "Not a directory"),
    ]
    for args, contains in cases:
        line = one_line_error(cli(*args), contains=contains, what=args[:3])
        assert line.startswith("crampcoach: error: cannot write") or "format" in line
    assert plain.read_text(encoding="utf-8") == "keep me"
    assert list(folder.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".partial")]
    assert snapshot(db_url) == seeded


def test_item5_nothing_is_written_over_the_diary_itself(cli, db_url: str, seeded) -> None:
    """An export, report, reminder or backup aimed at the SQLite file itself (or its
    journal) is refused: it would replace the diary."""
    if not db_url.startswith("sqlite"):
        pytest.skip("a server database has no file to write over")
    database = Path(db_url.removeprefix("sqlite:///"))
    roundabout = database.parent / ".." / database.parent.name / database.name
    for target in (str(database), f"{database}-wal", str(roundabout)):
        for args in (["export", "-o"], ["report", "-o"], ["remind", "-o"], ["backup", "-o"]):
            line = one_line_error(cli(*args, target), what=args)
            assert line.endswith("is the diary's own database; write to another file")
    assert snapshot(db_url) == seeded


def test_item5_a_full_disk_leaves_nothing_behind(
    cli, db_url: str, seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails halfway (the disk fills up) is one line, and neither the file
    nor its temporary part is left; an earlier file of that name is kept as it was."""

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(diary_files.os, "fsync", full)
    kept = tmp_path / "kept.json"
    kept.write_text("the last good export", encoding="utf-8")
    for args in (["export", "-o", str(tmp_path / "new.json")], ["export", "-o", str(kept)]):
        one_line_error(cli(*args), contains="No space left on device", what=args)
    if not db_url.startswith("sqlite"):  # the backup of a server database is an export
        one_line_error(cli("backup", "-o", str(kept)), contains="No space left on device")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["kept.json"]
    assert kept.read_text(encoding="utf-8") == "the last good export"
    assert snapshot(db_url) == seeded


def test_item5_long_values_are_quoted_as_excerpts(cli, db_url: str, seeded) -> None:
    """Each command that quotes a bad value quotes at most a short excerpt of it."""
    cases = [
        ["log", "--leg", "left", "--where", "calf", "--severity", "1", "--minutes", "1",
         "--at", HUGE],
        ["log", "--leg", HUGE, "--where", "calf", "--severity", "1", "--minutes", "1"],
        ["log", "--leg", "left", "--where", "calf", "--severity", "1", "--minutes", "1",
         "--notes", HUGE],
        ["log", "--leg", "left", "--where", "calf", "--severity", "1", "--minutes", "1", "--at",
         "today", HUGE],
        ["diary", "delete", HUGE, "--yes"],
        ["diary", "edit", HUGE, "--severity", "3"],
        ["diary", "--from", HUGE],
        ["profile", "set", "--timezone", HUGE],
        ["profile", "set", "--bedtime", HUGE],
        ["profile", "set", "--medicine", HUGE],
        ["screen", "-a", f"{HUGE}=yes"],
        ["screen", "-a", f"swollen-calf={HUGE}"],
        ["trial", "start", "--start", HUGE],
    ]  # fmt: skip
    for args in cases:
        line = one_line_error(cli(*args), what=args[:3])
        assert "xxxxxxxxxx… (100,0" in line, line
    assert snapshot(db_url) == seeded


def test_item5_commands_without_a_database(run_cli, tmp_path: Path) -> None:
    """Paths the camera and routine commands are given: a folder, a name too long."""
    long_name = str(tmp_path / ("n" * 300))
    track = tmp_path / "circles.jsonl"
    track.write_text("\n".join(generate("ankle-circles", 1).lines()) + "\n", encoding="utf-8")
    cases = [
        (["analyze", str(tmp_path), "--exercise", "ankle-circles"], "is a folder"),
        (["track", str(tmp_path), "-o", str(tmp_path / "t.jsonl")], "is a folder"),
        (["analyze", long_name, "--exercise", "ankle-circles"], "File name too long"),
        (["analyze", str(tmp_path), "--exercise", HUGE], "--exercise"),
        (["routines", "show", HUGE], "File name too long"),
        (["routines", "show", str(tmp_path)], ""),
        (["analyze", str(track), "-e", "ankle-circles", "--plot", str(tmp_path)], "is a folder"),
        (["analyze", str(track), "-e", "ankle-circles", "--plot", str(track / "p.png")], "Not a"),
    ]
    for args, contains in cases:
        one_line_error(run_cli(*args), contains=contains, what=args[:3])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["circles.jsonl"]


# ---------------------------------------------------------------------------- item 8


def test_item8_import_refuses_severity_true(cli, db_url: str, seeded, tmp_path: Path) -> None:
    for field, value in (("severity", True), ("duration_s", True), ("pain_after", False)):
        path = tmp_path / f"{field}.json"
        path.write_text(diary_json(episode_json(**{field: value})), encoding="utf-8")
        line = one_line_error(cli("import", str(path)), contains=f"episodes[0], field {field}")
        assert "nothing was imported" in line
    assert snapshot(db_url) == seeded


def test_item8_imports_go_through_the_diary_model(cli, db_url: str, seeded, tmp_path) -> None:
    """What logging refuses an import refuses too, with the model's words."""
    cases = [
        ({"tags": ["t" * 41]}, "field tags: a tag is at most 40 characters"),
        ({"notes": "n" * 4001}, "field notes"),
        ({"duration_s": 7201}, "field duration_s"),
        ({"zone": "Mars/Olympus"}, "field zone: unknown time zone"),
    ]
    for changes, contains in cases:
        path = tmp_path / "bad.json"
        path.write_text(diary_json(episode_json(**changes)), encoding="utf-8")
        one_line_error(cli("import", str(path)), contains=contains)
    assert snapshot(db_url) == seeded


def test_item8_null_or_empty_id_is_like_a_missing_one(cli, db_url: str, tmp_path: Path) -> None:
    """The same entry without an id, with `"id": null`, `"id": ""` or an empty CSV cell
    gets the one stable id from its content: importing any of them again adds nothing."""
    files = []
    for name, value in (("missing", ...), ("null", None), ("empty", ""), ("blank", "  ")):
        path = tmp_path / f"{name}.json"
        path.write_text(diary_json(episode_json(id=value)), encoding="utf-8")
        files.append(path)
    csv_path = tmp_path / "empty.csv"
    entry = episode_json(id="")
    csv_path.write_text(
        ",".join(entry) + "\n" + ",".join(str(v) for v in entry.values()) + "\n",
        encoding="utf-8",
    )
    files.append(csv_path)
    said = [cli("import", str(path)) for path in files + files]
    assert said[0].out.startswith("imported 1 entries (0 already present)"), said[0].err
    for result in said[1:]:
        assert result.out.startswith("imported 0 entries (1 already present)"), result.err
    episodes = json.loads(snapshot(db_url)[0])["episodes"]
    assert len(episodes) == 1


def test_item8_an_id_that_is_not_one_is_refused(cli, db_url: str, tmp_path: Path) -> None:
    for value in (0, False, 12345, ["x"], "not-an-id"):
        path = tmp_path / "bad.json"
        path.write_text(diary_json(episode_json(id=value)), encoding="utf-8")
        one_line_error(cli("import", str(path)), contains="episodes[0], field id: not an id")
    assert snapshot(db_url)[1]["episodes"] == 0


FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
    "'=already quoted once",
    "''=quoted twice",
]


@pytest.mark.parametrize(
    "text", [*FORMULAS, "plain", "'a quote first", "''", "", "1-2", "a=b", "'-", "'"]
)
def test_item8_neutralise_then_restore_gives_the_text_back(text: str) -> None:
    written = neutralise(text)
    assert restore(written) == text
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")


def test_item8_csv_export_neutralises_formulas(cli, new_db_url, tmp_path: Path) -> None:
    """A note or tag that a spreadsheet would run is written as text, and comes back as
    it was: export, then import into an empty diary, gives the same entries."""
    logged = cli(
        "log", "--leg", "right", "--where", "calf", "--severity", "0", "--minutes", "0",
        "--notes", FORMULAS[0], "--tag", "-minus", "--tag", "@at", "--pain-after", "0",
    )  # fmt: skip
    assert logged.code == 0, logged.err
    assert cli("log", "--leg", "left", "--where", "foot", "--severity", "3", "--minutes", "1",
               "--notes", "+1+1", "--tag", "=sum(1)").code == 0  # fmt: skip
    path = tmp_path / "diary.csv"
    assert cli("export", "-o", str(path)).code == 0
    exported = path.read_text(encoding="utf-8")
    cells = [cell for row in list(csv.reader(io.StringIO(exported)))[1:] for cell in row]
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in exported
    assert {"'" + FORMULAS[0], "'-minus;@at", "'+1+1", "'=sum(1)"} <= set(cells)
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
    assert "0" in cells  # severity, duration and pain afterwards 0: written as plain numbers
    again = Store(new_db_url())
    result = import_diary(again, path)
    assert result.episodes_added == 2
    before = read_csv(exported, name="diary.csv", now=utc_now())
    after = read_csv(export_diary(again, "csv"), name="again.csv", now=utc_now())
    assert [(e.notes, e.tags) for e in after] == [(e.notes, e.tags) for e in before]
    assert {e.notes for e in after} == {FORMULAS[0], "+1+1"}
    assert write_csv(after) == exported


def test_item8_csv_negative_numbers_stay_refused(cli, db_url: str, seeded, tmp_path) -> None:
    """Only a quote before a formula character is taken off: a negative severity typed by
    hand, quoted or not, is still a negative number, which the model refuses."""
    header = "started_at,zone,duration_s,leg,place,severity\n"
    for severity in ("-3", "'-3"):
        path = tmp_path / "negative.csv"
        row = f"2025-03-04T02:30:00+01:00,Europe/Amsterdam,60,left,calf,{severity}\n"
        path.write_text(header + row, encoding="utf-8")
        one_line_error(cli("import", str(path)), contains="line 2, field severity")
    assert snapshot(db_url) == seeded


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://u@localhost/db", "runs on SQLite and PostgreSQL, not 'mysql'"),
        ("oracle://u@localhost/db", "not 'oracle'"),
        ("postgresql+psycopg2://u@localhost/db", "use postgresql+psycopg://"),
        ("not a url at all", "not a database URL"),
    ],
)
def test_issue16_item8_database_urls_are_one_line(
    run_cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str, says: str
) -> None:
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRAMPCOACH_DATABASE_URL", url)
    result = run_cli("diary")
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], result.err
