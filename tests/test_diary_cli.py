"""`crampcoach log` and `crampcoach diary`: logging, bad input, edit, delete, undo, filters."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crampcoach.store import Store
from crampcoach.store.episodes import count_episodes

AMS = ZoneInfo("Europe/Amsterdam")


def rows(db_url: str, *, include_deleted: bool = True) -> int:
    with Store(db_url).read() as db:
        return count_episodes(db=db, include_deleted=include_deleted)


def saved_id(out: str) -> str:
    assert out.startswith("saved "), out
    return out.split()[1]


def test_log_one_line(cli, db_url: str) -> None:
    result = cli("log", "--leg", "right", "--where", "calf", "--severity", "7", "--minutes", "3")
    assert result.code == 0, result.err
    assert "right calf, severity 7, 3 min" in result.out
    listed = cli("diary")
    assert saved_id(result.out) in listed.out
    assert "1 cramp on 1 night." in listed.out
    assert rows(db_url) == 1


def test_log_at_yesterday_unquoted(cli) -> None:
    result = cli(
        "log",
        "--leg",
        "l",
        "--where",
        "foot",
        "--severity",
        "4",
        "--minutes",
        "1.5",
        "--at",
        "yesterday",
        "03:10",
        "--tag",
        "alcohol",
        "--helped",
        "walking,stretching",
    )
    assert result.code == 0, result.err
    yesterday = datetime.now(AMS).date() - timedelta(days=1)
    assert f"{yesterday:%Y-%m-%d} 03:10" in result.out
    assert f"night of {yesterday - timedelta(days=1)}" in result.out
    assert "left foot" in result.out and "helped: stretching, walking" in result.out


def test_log_at_clock_time_is_in_the_past(cli) -> None:
    result = cli(
        "log",
        "--leg",
        "both",
        "--where",
        "thigh",
        "--severity",
        "2",
        "--minutes",
        "0",
        "--at",
        "02:40",
    )
    assert result.code == 0, result.err
    logged = datetime.strptime(
        result.out.split()[2] + " " + result.out.split()[3], "%Y-%m-%d %H:%M"
    )
    assert logged.replace(tzinfo=AMS) <= datetime.now(AMS)
    assert logged.hour == 2 and logged.minute == 40


BASE = ["log", "--leg", "right", "--where", "calf", "--severity", "5", "--minutes", "2"]


def _with(flag: str, value: str) -> list[str]:
    args = list(BASE)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    return args


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (_with("--severity", "11"), "severity"),
        (_with("--severity", "-1"), "severity"),
        (_with("--severity", "7.5"), "--severity"),
        (_with("--at", "2099-01-01 02:00"), "in the future"),
        (_with("--at", "tomorrow 02:00"), "at:"),
        (_with("--minutes", "-3"), "minutes"),
        (_with("--minutes", "600"), "minutes"),
        (_with("--leg", "middle"), "leg"),
        (_with("--where", "knee"), "place"),
        (_with("--at", "2026-02-30 02:00"), "at:"),
        (_with("--pain-after", "12"), "pain_after"),
        (["log", "--leg", "right"], "missing --where, --severity"),
    ],
)
def test_bad_input_exit_2_nothing_written(cli, db_url: str, args: list[str], field: str) -> None:
    result = cli(*args)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crampcoach: error: ")
    assert field in lines[0]
    assert "Traceback" not in result.err
    assert rows(db_url) == 0


def test_edit_changes_fields_and_night(cli, db_url: str) -> None:
    entry = saved_id(cli(*BASE, "--at", "2026-11-18 02:40").out)
    result = cli(
        "diary",
        "edit",
        entry,
        "--severity",
        "3",
        "--where",
        "foot",
        "--at",
        "2026-11-18 22:10",
        "--tag",
        "little water",
        "--notes",
        "after a long walk",
    )
    assert result.code == 0, result.err
    assert "night of 2026-11-18: right foot, severity 3" in result.out
    listed = cli("diary", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "little" in listed.out and "3" in listed.out
    bad = cli("diary", "edit", entry, "--severity", "11")
    assert bad.code == 2 and "severity" in bad.err
    assert cli("diary", "edit", entry).code == 2  # nothing to change, no terminal to ask in
    assert cli("diary", "edit", "ffffffff", "--severity", "1").code == 2
    assert rows(db_url) == 1


def test_delete_asks_and_undo_restores(cli, db_url: str) -> None:
    first = saved_id(cli(*BASE, "--at", "2026-11-10 03:00").out)
    second = saved_id(cli(*BASE, "--at", "2026-11-11 03:00").out)
    refused = cli("diary", "delete", first)
    assert refused.code == 2 and "--yes" in refused.err
    assert cli("diary", "delete", first, "--yes").code == 0
    assert cli("diary", "delete", second, "-y").code == 0
    assert rows(db_url, include_deleted=False) == 0
    assert rows(db_url) == 2  # soft delete: still there to undo
    assert first not in cli("diary", "--from", "2026-11-01").out
    assert second in cli("diary", "undo").out  # the most recent deletion first
    assert first in cli("diary", "undo").out
    nothing = cli("diary", "undo")
    assert nothing.code == 2 and "nothing to undo" in nothing.err
    listed = cli("diary", "--from", "2026-11-01").out
    assert first in listed and second in listed


def test_diary_filters(cli) -> None:
    ids = {}
    for leg, severity, at in (
        ("left", "3", "2026-11-01 02:00"),
        ("right", "8", "2026-11-05 04:00"),
        ("right", "5", "2026-11-09 23:30"),
        ("both", "9", "2026-10-02 03:00"),
    ):
        ids[(leg, severity)] = saved_id(
            cli(*_with("--leg", leg)[:5], "--severity", severity, "--minutes", "1", "--at", at).out
        )

    def shown(*args: str) -> set[str]:
        out = cli("diary", *args).out
        return {key for key, entry in ids.items() if entry in out}

    assert shown("--from", "2026-10-01") == set(ids)
    # 2026-11-01 02:00 belongs to the night of 10-31; 2026-11-05 04:00 to the night of 11-04
    assert shown("--from", "2026-11-01", "--to", "2026-11-04") == {("right", "8")}
    assert shown("--from", "2026-10-01", "--leg", "right") == {("right", "8"), ("right", "5")}
    assert shown("--from", "2026-10-01", "--min-severity", "8") == {("right", "8"), ("both", "9")}
    assert shown("--from", "2026-10-01", "--max-severity", "5", "--leg", "right") == {
        ("right", "5")
    }
    assert cli("diary", "--from", "2026-31-10").code == 2
    assert cli("diary", "--leg", "middle").code == 2


def test_profile_sets_the_zone_used_for_logging(cli) -> None:
    assert (
        cli(
            "profile",
            "set",
            "--timezone",
            "America/New_York",
            "--bedtime",
            "22:30",
            "--medicine",
            "magnesium",
            "--condition",
            "diabetes",
        ).code
        == 0
    )
    shown = cli("profile").out
    assert "America/New_York" in shown and "22:30" in shown and "magnesium" in shown
    out = cli(*BASE, "--at", "2026-11-01 01:30").out
    assert "(America/New_York)" in out and "night of 2026-10-31" in out
    bad = cli("profile", "set", "--timezone", "Mars/Olympus")
    assert bad.code == 2 and "timezone" in bad.err


def test_real_cli_end_to_end(cli_env: dict[str, str], tmp_path) -> None:
    """The installed command, as a person runs it: log, list, export."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crampcoach", *args],
            env=cli_env,
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    logged = run("log", "--leg", "right", "--where", "calf", "--severity", "7", "--minutes", "3")
    assert logged.returncode == 0, logged.stderr
    bad = run("log", "--leg", "right", "--where", "calf", "--severity", "11", "--minutes", "3")
    assert bad.returncode == 2
    assert (
        bad.stderr.strip()
        == "crampcoach: error: severity: give a whole number from 0 (none) to 10 (worst) (got 11)"
    )
    listed = run("diary")
    assert saved_id(logged.stdout) in listed.stdout
    out = tmp_path / "diary.csv"
    assert run("export", "--format", "csv", "-o", str(out)).returncode == 0
    assert out.read_text().count("\n") == 2


# -- issue 16, item 7: logging at 3 a.m. -------------------------------------------------
def test_log_without_minutes_stores_unknown(cli, db_url: str) -> None:
    result = cli("log", "--leg", "left", "--where", "calf", "--severity", "6")
    assert result.code == 0, result.err
    assert "? min" in result.out  # not known, not 0
    (episode,) = _episodes(db_url)
    assert episode.duration_s is None


@pytest.mark.parametrize("at", ["3am", "3:10am", "03.10", "3 am", "2h40"])
def test_log_reads_times_as_people_write_them(cli, db_url: str, at: str) -> None:
    result = cli("log", "--leg", "left", "--where", "calf", "--severity", "3", "--at", at)
    assert result.code == 0, result.err
    (episode,) = _episodes(db_url)
    assert episode.started_at.hour in (2, 3)


def test_log_says_when_a_clock_time_means_yesterday(cli, monkeypatch) -> None:
    # The command's clock at 10:00 in Amsterdam (an hour later than now would be tomorrow
    # in the last hour of the day), so 11:00 is in the future today: it meant yesterday.
    morning = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    monkeypatch.setattr("crampcoach.cli.diary_cmd.utc_now", lambda: morning.astimezone(UTC))
    result = cli("log", "--leg", "left", "--where", "calf", "--severity", "3", "--at", "11:00")
    assert result.code == 0, result.err
    assert "2026-03-09 11:00" in result.out and "(yesterday at 11:00)" in result.out


def test_log_asks_before_a_likely_duplicate(cli, db_url: str) -> None:
    first = cli("log", "--leg", "left", "--where", "calf", "--severity", "5", "--at", "02:40")
    assert first.code == 0
    again = cli("log", "--leg", "left", "--where", "foot", "--severity", "5", "--at", "02:45")
    assert again.code == 2
    assert "already logged at 02:40" in again.err and "--yes" in again.err
    assert len(_episodes(db_url)) == 1
    other = cli("log", "--leg", "right", "--where", "calf", "--severity", "5", "--at", "02:45")
    assert other.code == 0  # the other leg is another cramp
    sure = cli(
        "log", "--leg", "left", "--where", "calf", "--severity", "5", "--at", "02:45", "--yes"
    )
    assert sure.code == 0 and len(_episodes(db_url)) == 3


def _episodes(db_url: str) -> list:
    from crampcoach.store import episodes as episode_repo

    with Store(db_url).read() as db:
        return episode_repo.list_episodes(db=db)


@pytest.mark.parametrize("fmt", ["csv", "json", "fhir"])
def test_unknown_minutes_survive_export_and_import(cli, db_url: str, tmp_path, fmt: str) -> None:
    assert cli("log", "--leg", "left", "--where", "calf", "--severity", "6").code == 0
    out = tmp_path / f"diary.{'json' if fmt == 'fhir' else fmt}"
    assert cli("export", "--format", fmt, "-o", str(out)).code == 0
    if fmt == "fhir":
        assert "Duration of the cramp" not in out.read_text(encoding="utf-8")
        return
    from crampcoach.services.diary_files import parse_file

    (read_back,) = parse_file(out, now=datetime.now(ZoneInfo("UTC"))).episodes
    assert read_back.duration_s is None  # not known, not 0
    assert cli("import", str(out)).code == 0
