"""Export and import: lossless round trips, idempotent re-import, bad files refused whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from crampcoach.errors import ImportFileError
from crampcoach.export.diary_csv import write_csv
from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.services.diary_files import export_diary, import_diary
from crampcoach.store import Store
from crampcoach.store.episodes import count_episodes
from crampcoach.store.routine_sessions import count_sessions

HISTORY = generate_history(nights=730, seed=7)


def counts(store: Store) -> tuple[int, int]:
    with store.read() as db:
        return count_episodes(db=db, include_deleted=True), count_sessions(db=db)


@pytest.fixture(scope="module")
def history_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.json"
    path.write_text(write_json(HISTORY), encoding="utf-8")
    return path


def test_generated_history_is_realistic() -> None:
    assert 200 <= len(HISTORY.episodes) <= 700
    assert len(HISTORY.sessions) >= 100
    nights = {e.night for e in HISTORY.episodes}
    assert len(nights) < 730 * 0.6  # most nights are calm
    assert any(not s.record.completed for s in HISTORY.sessions)  # partial sessions too
    offsets = {e.started_at.utcoffset() for e in HISTORY.episodes}
    assert len(offsets) == 2  # winter and summer time


def test_json_round_trip_is_lossless(
    new_db_url: Callable[[], str], history_file: Path, tmp_path: Path
) -> None:
    first = Store(new_db_url())
    result = import_diary(first, history_file)
    assert result.episodes_added == len(HISTORY.episodes)
    assert result.sessions_added == len(HISTORY.sessions)
    assert result.profile_set
    exported = export_diary(first, "json")
    assert exported == history_file.read_text(encoding="utf-8")  # nothing lost on the way in
    again = tmp_path / "again.json"
    again.write_text(exported, encoding="utf-8")
    second = Store(new_db_url())
    import_diary(second, again)
    assert export_diary(second, "json").encode() == exported.encode()
    assert counts(second) == (len(HISTORY.episodes), len(HISTORY.sessions))


def test_csv_round_trip_is_lossless(
    new_db_url: Callable[[], str], history_file: Path, tmp_path: Path
) -> None:
    first = Store(new_db_url())
    import_diary(first, history_file)
    exported = export_diary(first, "csv")
    assert exported.count("\n") == len(HISTORY.episodes) + 1
    path = tmp_path / "diary.csv"
    path.write_text(exported, encoding="utf-8", newline="")
    second = Store(new_db_url())
    assert import_diary(second, path).episodes_added == len(HISTORY.episodes)
    assert export_diary(second, "csv").encode() == exported.encode()


def test_reimport_adds_nothing(store: Store, history_file: Path, tmp_path: Path) -> None:
    import_diary(store, history_file)
    before = export_diary(store, "json")
    again = import_diary(store, history_file)
    assert (again.episodes_added, again.sessions_added, again.profile_set) == (0, 0, False)
    assert again.episodes_present == len(HISTORY.episodes)
    csv_path = tmp_path / "diary.csv"
    csv_path.write_text(export_diary(store, "csv"), encoding="utf-8", newline="")
    assert import_diary(store, csv_path).episodes_added == 0
    assert export_diary(store, "json") == before
    assert counts(store) == (len(HISTORY.episodes), len(HISTORY.sessions))


def test_hand_written_csv_without_ids_is_idempotent(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "started_at,zone,duration_s,leg,place,severity,tags\n"
        "2026-11-02T03:10:00+01:00,Europe/Amsterdam,120,right,calf,6,alcohol;Little  Water\n"
        '2026-11-03T02:00:00+01:00,Europe/Amsterdam,30,left,foot,3,"hard exercise"\n',
        encoding="utf-8",
    )
    assert import_diary(store, path).episodes_added == 2
    assert import_diary(store, path).episodes_added == 0
    assert "alcohol;little water" in export_diary(store, "csv")


def export_csv_lines(count: int) -> str:
    return write_csv(list(HISTORY.episodes)[:count])


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        (5, "middle", "leg"),
        (6, "knee", "place"),
        (2, "2099-01-01T02:00:00+01:00", "started_at"),
        (2, "2026-13-01T02:00:00+01:00", "started_at"),
        (2, "2026-11-01T02:00:00", "started_at"),  # no zone offset
        (3, "Mars/Base", "zone"),
        (4, "-30", "duration_s"),
        (7, "eleven", "severity"),
        (8, "maybe", "woke"),
        (9, "prayer", "helped"),
        (0, "not-an-id", "id"),
    ],
)
def test_bad_csv_refused_whole(
    store: Store, tmp_path: Path, column: int, value: str, field: str
) -> None:
    lines = export_csv_lines(40).splitlines()
    target = 27
    cells = lines[target].split(",")
    cells[column] = value
    lines[target] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    with pytest.raises(ImportFileError) as caught:
        import_diary(store, path)
    assert f"bad.csv: line {target + 1}, field {field}" in str(caught.value)
    assert counts(store) == (0, 0)


def test_bad_severity_through_the_cli(cli, db_url: str, tmp_path: Path) -> None:
    lines = export_csv_lines(10).splitlines()
    cells = lines[5].split(",")
    cells[7] = "11"
    lines[5] = ",".join(cells)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 2
    assert "line 6, field severity" in result.err and "nothing was imported" in result.err
    assert counts(Store(db_url)) == (0, 0)


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda doc: doc["episodes"][17].update(severity=11), "episodes[17], field severity"),
        (lambda doc: doc["episodes"][3].update(duration_s=-5), "episodes[3], field duration_s"),
        (lambda doc: doc["episodes"][9].pop("leg"), "episodes[9], field leg"),
        (
            lambda doc: doc["sessions"][4].update(started_at="yesterday"),
            "sessions[4], field started_at",
        ),
        (lambda doc: doc["episodes"].append(dict(doc["episodes"][0])), "field id"),
        (lambda doc: doc.update(format="other"), "not a crampcoach diary"),
    ],
)
def test_bad_json_refused_whole(store: Store, tmp_path: Path, mutate, where: str) -> None:
    document = json.loads(write_json(HISTORY))
    mutate(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"nothing was imported|not a crampcoach") as caught:
        import_diary(store, path)
    assert where in str(caught.value)
    assert counts(store) == (0, 0)


def test_export_and_backup_commands(cli, db_url: str, tmp_path: Path) -> None:
    assert (
        cli("log", "--leg", "left", "--where", "ankle", "--severity", "6", "--minutes", "2").code
        == 0
    )
    out = tmp_path / "all.json"
    assert cli("export", "--format", "json", "-o", str(out)).code == 0
    assert json.loads(out.read_text())["format"] == "crampcoach-diary"
    assert cli("export", "--format", "xml", "-o", str(out)).code == 2
    backup = tmp_path / "backup.db"
    result = cli("backup", "-o", str(backup))
    assert result.code == 0, result.err
    if db_url.startswith("sqlite"):
        backup_store = Store(f"sqlite:///{backup}")
        assert counts(backup_store) == (1, 0)
        backup_store.close()
    else:
        assert json.loads(backup.read_text())["episodes"][0]["place"] == "ankle"
