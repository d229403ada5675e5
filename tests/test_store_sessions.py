"""Routine sessions saved by the coach, and the schema matching its migrations."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from crampcoach.diary.sessions import session_fields
from crampcoach.protocol import load_routine
from crampcoach.services.sessions import list_sessions, save_session
from crampcoach.services.storage import open_store
from crampcoach.session.player import SessionPlayer
from crampcoach.session.timeline import build_timeline
from crampcoach.settings import Settings
from crampcoach.store import Store
from crampcoach.store.models import Base

AMS = ZoneInfo("Europe/Amsterdam")


def run_partly(seconds: float, started_at: datetime):
    """Play the bedtime routine for `seconds` of routine time, then stop: a partial record."""
    timeline = build_timeline(load_routine("bedtime"), leg="left")
    clock = [0.0]
    player = SessionPlayer(timeline, clock=lambda: clock[0])
    player.start()
    while clock[0] < seconds:
        clock[0] += 0.5
        player.tick()
    player.stop()
    return player.record(started_at=started_at, ended_at=started_at + timedelta(seconds=seconds))


def test_save_session_round_trip(settings: Settings) -> None:
    started = datetime(2026, 11, 20, 22, 40, tzinfo=AMS)
    record = run_partly(90, started)
    assert not record.completed
    assert any(step.status == "not reached" for step in record.steps)
    session_id = save_session(open_store(settings), record)
    saved = list_sessions(open_store(settings))
    assert [s.id for s in saved] == [session_id]
    assert saved[0].record == record
    assert saved[0].zone == "Europe/Amsterdam"
    assert str(saved[0].night) == "2026-11-20"
    assert session_fields(saved[0])["started_at"] == "2026-11-20T22:40:00+01:00"


def test_list_sessions_filters_and_limits(settings: Settings) -> None:
    base = datetime(2026, 11, 1, 22, 0, tzinfo=AMS)
    ids = [
        save_session(open_store(settings), run_partly(30, base + timedelta(days=n)))
        for n in range(5)
    ]
    assert [s.id for s in list_sessions(open_store(settings))] == ids
    assert [s.id for s in list_sessions(open_store(settings), limit=2)] == ids[-2:]
    since = list_sessions(open_store(settings), since=base + timedelta(days=3))
    assert [s.id for s in since] == ids[3:]


def test_naive_times_are_refused(settings: Settings) -> None:
    record = run_partly(10, datetime(2026, 11, 1, 22, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        save_session(open_store(settings), record)


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []
