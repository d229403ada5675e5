"""Camera figures on session steps (migration 0003): stored, read back, exported and
imported unchanged, on SQLite and PostgreSQL; None wherever the camera was off."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from crampcoach.diary.sessions import SessionFields, session_fields
from crampcoach.protocol import load_routine
from crampcoach.services.sessions import list_sessions, save_session
from crampcoach.services.storage import open_store
from crampcoach.session.player import SessionPlayer
from crampcoach.session.record import CameraFigures, SessionRecord, with_camera_figures
from crampcoach.session.timeline import build_timeline
from crampcoach.settings import Settings
from crampcoach.store import Store
from crampcoach.store import routine_sessions as repo

AMS = ZoneInfo("Europe/Amsterdam")
FIGURES = {
    0: CameraFigures("ankle-circles", 9.0, None, 0.962),
    3: CameraFigures("toe-points", 10.0, 57.3, 0.881),
    7: CameraFigures("childs-pose", 38.4, None, 1.0),
}


def played(started_at: datetime) -> SessionRecord:
    timeline = build_timeline(load_routine("bedtime"), leg="right")
    clock = [0.0]
    player = SessionPlayer(timeline, clock=lambda: clock[0])
    player.start()
    while not player.finished:
        clock[0] += 1.0
        player.tick()
    end = started_at + timedelta(seconds=clock[0])
    return with_camera_figures(player.record(started_at=started_at, ended_at=end), FIGURES)


def _camera(record: SessionRecord) -> dict[int, tuple[float | None, ...]]:
    return {
        s.index: (s.camera_done, s.camera_range_deg, s.camera_seen)
        for s in record.steps
        if s.camera_done is not None
    }


def test_camera_figures_are_stored_and_read_back(settings: Settings) -> None:
    record = played(datetime(2026, 11, 21, 22, 30, tzinfo=AMS))
    assert _camera(record) == {
        0: (9.0, None, 0.962),
        3: (10.0, 57.3, 0.881),
        7: (38.4, None, 1.0),
    }
    save_session(open_store(settings), record)
    plain = played(datetime(2026, 11, 22, 22, 30, tzinfo=AMS))
    off = {"camera_done": None, "camera_range_deg": None, "camera_seen": None}
    plain = replace(plain, steps=tuple(replace(s, **off) for s in plain.steps))
    save_session(open_store(settings), plain)
    first, second = list_sessions(open_store(settings))
    assert first.record == record
    assert second.record == plain and _camera(second.record) == {}


def test_camera_figures_survive_export_and_import(store: Store) -> None:
    record = played(datetime(2026, 11, 23, 23, 5, tzinfo=AMS))
    with store.write() as db:
        saved = repo.add_session(db=db, record=record, zone="Europe/Amsterdam")
    exported = json.loads(json.dumps(session_fields(saved)))
    assert exported["steps"][3]["camera_range_deg"] == 57.3
    assert exported["steps"][1]["camera_done"] is None
    imported = SessionFields.model_validate({**exported, "id": "imported-1"}).to_saved()
    assert imported.record == saved.record
    with store.write() as db:
        repo.add_sessions(db=db, sessions=[imported])  # the bulk import path
    with store.read() as db:
        again = {s.id: s for s in repo.list_sessions(db=db)}
    assert again["imported-1"].record == saved.record
    # Files written before camera figures existed still import: the fields are optional.
    old = {**exported, "id": "old-1"}
    old["steps"] = [
        {k: v for k, v in step.items() if not k.startswith("camera_")} for step in old["steps"]
    ]
    assert _camera(SessionFields.model_validate(old).to_saved().record) == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [("camera_done", -1), ("camera_seen", 1.5), ("camera_range_deg", 400), ("camera_seen", "x")],
)
def test_impossible_camera_figures_are_refused_on_import(field: str, value: object) -> None:
    record = played(datetime(2026, 11, 23, 23, 5, tzinfo=AMS))
    step = {
        "index": 0,
        "exercise_id": "ankle-circles",
        "label": "Clockwise circles",
        "kind": "reps",
        "unit": "reps",
        "leg": "right",
        "planned": 10,
        "done": 10,
        "status": "done",
        field: value,
    }
    fields = {
        "id": "x",
        "routine_name": "bedtime",
        "routine_version": 1,
        "routine_title": record.routine_title,
        "mode": "bedtime",
        "leg": "right",
        "tempo_s": 3,
        "started_at": record.started_at.isoformat(),
        "ended_at": record.ended_at.isoformat(),
        "zone": "Europe/Amsterdam",
        "completed": True,
        "steps": [step],
    }
    with pytest.raises(ValidationError, match=field):
        SessionFields.model_validate(fields)
