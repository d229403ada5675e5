"""`crampcoach insights`, `trial`, `screen`, `remind` and `export --format fhir` against a
real database (SQLite and PostgreSQL): stored, read back, and bad input refused."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar
from sqlalchemy import func, select

from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.insights import preventive_routine_nights, summarize_diary
from crampcoach.store import Store
from crampcoach.store.models import ScreeningRow, TrialRow

HISTORY_END = date(2026, 10, 31)


def _count(db_url: str, table: type) -> int:
    with Store(db_url).read() as db:
        return int(db.scalar(select(func.count()).select_from(table)) or 0)


@pytest.fixture
def history(cli, tmp_path: Path):
    content = generate_history(nights=200, seed=3, end=HISTORY_END)
    path = tmp_path / "history.json"
    path.write_text(write_json(content), encoding="utf-8")
    assert cli("import", str(path)).code == 0
    return content


def test_insights_match_the_pure_core_on_the_stored_diary(cli, history) -> None:
    first = min(e.night for e in history.episodes)
    result = cli("insights", "--from", str(first), "--to", str(HISTORY_END), "--json")
    assert result.code == 0, result.err
    got = json.loads(result.out)
    # Routine nights from the database (completed bedtime or stretch sessions, never
    # cramp-now ones) must be the ones the pure rule picks from the same sessions.
    routine = {n for n in preventive_routine_nights(history.sessions) if n >= first}
    want = summarize_diary(history.episodes, routine, first_night=first, last_night=HISTORY_END)
    assert got["cramps"] == want.cramps == len([e for e in history.episodes if e.night >= first])
    assert got["nights"] == want.nights
    assert got["adherence"]["routine_nights"] == want.adherence.routine_nights > 0
    assert got["routine_vs_other"]["ratio"] == pytest.approx(want.routine_vs_other.ratio)
    assert got["reading"] == list(want.reading)
    text = cli("insights", "--from", str(first), "--to", str(HISTORY_END))
    assert "observational comparison" in text.out or "Too few" in text.out


def test_insights_bad_range_and_empty_diary(cli) -> None:
    bad = cli("insights", "--from", "2026-12-05", "--to", "2026-11-01")
    assert bad.code == 2 and "before --from" in bad.err
    report = cli("report", "--from", "2026-12-05", "--to", "2026-11-01", "-o", "-")
    assert report.code == 2 and "--to: 2026-11-01 is before --from (2026-12-05)" in report.err
    assert cli("insights", "--from", "2026-13-01").code == 2
    empty = cli("insights")
    assert empty.code == 0 and "no entries yet" in empty.out.lower()


def test_trial_start_show_stop(cli, db_url: str) -> None:
    started = cli("trial", "start", "--seed", "42")
    assert started.code == 0, started.err
    assert "seed 42" in started.out and "baseline" in started.out
    again = cli("trial", "start")
    assert again.code == 2 and "already running" in again.err
    assert _count(db_url, TrialRow) == 1
    shown = json.loads(cli("trial", "show", "--json").out)
    assert shown["plan"]["seed"] == 42 and shown["interim"] is True
    assert len(shown["plan"]["blocks"]) == 1 + 2 * 3
    asked = cli("trial", "stop")  # no terminal to ask at: refused, nothing stopped
    assert asked.code == 2 and "add --yes" in asked.err
    assert cli("trial", "start").code == 2  # still running
    assert cli("trial", "stop", "--yes").code == 0
    stopped = cli("trial", "stop", "--yes")
    assert stopped.code == 2 and "no trial is running" in stopped.err
    # After a stop a new trial may start; the same seed gives the same schedule.
    assert cli("trial", "start", "--seed", "42").code == 0
    assert (
        json.loads(cli("trial", "show", "--json").out)["plan"]["blocks"] == shown["plan"]["blocks"]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2020-01-01"], "past night"),
        (["--pairs", "2"], "pairs"),
        (["--block-days", "7"], "block"),
        (["--start", "tomorrow"], "not a date"),
    ],
)
def test_trial_bad_input_stores_nothing(cli, db_url: str, args: list[str], message: str) -> None:
    result = cli("trial", "start", *args)
    assert result.code == 2 and message in result.err, result.err
    assert _count(db_url, TrialRow) == 0
    assert cli("trial", "show").code == 2


def test_screening_is_kept_and_bad_answers_are_refused(cli, db_url: str) -> None:
    urgent = cli("screen", "-a", "swollen-calf=yes", "-a", "pregnant=no")
    assert urgent.code == 0, urgent.err
    assert "Get urgent care today" in urgent.out and "https://www.nhs.uk/" in urgent.out
    assert _count(db_url, ScreeningRow) == 1
    for bad in (["-a", "swollen-calf=maybe"], ["-a", "nope=yes"], ["-a", "novalue"]):
        result = cli("screen", *bad)
        assert result.code == 2 and result.err.startswith("crampcoach: error:"), bad
    assert _count(db_url, ScreeningRow) == 1
    from crampcoach.services.screening import latest_screening

    stored = latest_screening(Store(db_url))
    assert stored is not None and stored.result.level == "urgent-today"


def test_remind_writes_a_daily_calendar_at_the_bedtime(cli, tmp_path: Path) -> None:
    assert cli("profile", "set", "--bedtime", "22:15", "--timezone", "Europe/London").code == 0
    out = tmp_path / "r.ics"
    result = cli("remind", "-o", str(out))
    assert result.code == 0, result.err
    (event,) = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (22, 15) and str(start.tzinfo) == "Europe/London"
    assert event["RRULE"]["FREQ"] == ["DAILY"]
    assert list(event.walk("VALARM"))
    bad = cli("remind", "--at", "25:00", "-o", str(tmp_path / "bad.ics"))
    assert bad.code == 2 and not (tmp_path / "bad.ics").exists()


def test_fhir_export_validates(cli, history) -> None:
    result = cli("export", "--format", "fhir")
    assert result.code == 0, result.err
    bundle = Bundle.model_validate(json.loads(result.out))
    observations = [e for e in bundle.entry if e.resource.__resource_type__ == "Observation"]
    assert len(observations) == len([e for e in history.episodes if e.deleted_at is None])


def test_a_severe_cramp_offers_the_screening(cli) -> None:
    severe = cli("log", "--leg", "left", "--where", "calf", "--severity", "9", "--minutes", "2")
    assert severe.code == 0 and "crampcoach screen" in severe.out
    mild = cli("log", "--leg", "right", "--where", "calf", "--severity", "3", "--minutes", "2")
    assert mild.code == 0 and "crampcoach screen" not in mild.out
    long = cli("log", "--leg", "left", "--where", "foot", "--severity", "3", "--minutes", "15")
    long = (
        long
        if long.code == 0
        else cli(  # the same leg within 10 minutes: asked first
            "log", "--leg", "left", "--where", "foot", "--severity", "3", "--minutes", "15", "--yes"
        )
    )
    assert "crampcoach screen" in long.out


@pytest.mark.parametrize("command", [["remind"], ["export", "--format", "json"]])
def test_an_unwritable_output_is_one_line_and_exit_2(
    cli, tmp_path: Path, command: list[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = cli(*command, "-o", str(blocker / "out.txt"))
    assert result.code == 2, result.err
    assert result.err.startswith("crampcoach: error: cannot write") and result.err.count("\n") == 1
    assert blocker.read_text(encoding="utf-8") == "x"
