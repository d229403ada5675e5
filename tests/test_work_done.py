"""Issue 16, item 1: work done, not buttons pressed. One rule (session/work_done.py)
decides whether a session did the routine; the streak, Insights and the trial ask it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crampcoach.protocol import load_routine
from crampcoach.services.insights import diary_data
from crampcoach.services.sessions import save_session
from crampcoach.services.storage import open_store
from crampcoach.services.today import today_overview
from crampcoach.services.trial import start_trial, trial_overview
from crampcoach.session import SessionPlayer, SessionRecord, build_timeline
from crampcoach.session.work_done import ROUTINE_SHARE, work_done
from crampcoach.settings import Settings

ZONE = "Europe/Amsterdam"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'w.db'}")


def _played(start: datetime, *, skip_all: bool, routine: str = "bedtime") -> SessionRecord:
    """A bedtime session played to its end on a fake clock, or skipped through with Next."""
    timeline = build_timeline(load_routine(routine), leg="left", tempo_s=3)
    now = [0.0]
    player = SessionPlayer(timeline, clock=lambda: now[0], auto_confirm=True)
    player.start()
    if skip_all:
        while not player.finished:
            now[0] += 0.5
            player.tick()
            player.next()
    else:
        now[0] = timeline.total_s + 1
        player.tick()
    end = start + timedelta(seconds=now[0])
    return player.record(started_at=start, ended_at=end)


def _evening(days_ago: int) -> datetime:
    local = datetime.now(UTC) - timedelta(days=days_ago)
    return local.replace(hour=21, minute=0, second=0, microsecond=0)


def test_a_fully_skipped_routine_is_not_the_routine_and_says_so() -> None:
    record = _played(_evening(1), skip_all=True)
    assert record.work.share("reps") == 0 and record.work.share("letters") == 0
    assert record.completed is False
    assert "Not counted as a routine night" in record.verdict
    assert "0 of 30 repetitions" in record.verdict  # 10 + 10 circles and 10 toe points
    assert "0 of 26 letters" in record.verdict
    assert "Skipped: Clockwise circles (left leg)" in record.verdict
    assert "well done" not in record.verdict.lower()


def test_a_routine_played_through_is_the_routine() -> None:
    record = _played(_evening(1), skip_all=False)
    assert record.completed is True
    assert record.verdict.startswith("Routine done")


def test_the_camera_counts_before_the_timer() -> None:
    record = _played(_evening(1), skip_all=False)
    steps = list(record.steps)
    reps = [i for i, s in enumerate(steps) if s.unit == "reps"]
    for i in reps:  # the timer ran its course, but the camera saw hardly any movement
        steps[i] = replace(steps[i], camera_done=1.0, camera_seen=1.0)
    watched = replace(record, steps=tuple(steps))
    assert watched.completed is False
    assert work_done(watched.steps).share("reps") < ROUTINE_SHARE
    skipped = _played(_evening(1), skip_all=True)
    seen = tuple(  # skipped by the timer, but the camera saw all the work done
        replace(s, camera_done=s.planned, camera_seen=1.0) if s.kind != "rest" else s
        for s in skipped.steps
    )
    assert replace(skipped, steps=seen).completed is True


def test_streak_insights_and_trial_use_the_one_rule(settings: Settings) -> None:
    store = open_store(settings)
    now = datetime.now(UTC)
    trial = start_trial(store, block_days=14, pairs=3, now=now - timedelta(days=40))
    for days_ago in range(1, 40):
        save_session(store, _played(_evening(days_ago), skip_all=days_ago % 2 == 0))
    done = {r for r in range(1, 40) if r % 2 == 1}
    overview = today_overview(store, nights=7, now=now)
    routine_marks = [n.routine for n in overview.nights]
    assert sum(routine_marks) in (3, 4)  # every other night, never the skipped ones
    assert overview.streak in (0, 1)  # alternate nights: no run longer than one night
    data = diary_data(store, now=now)
    assert len(data.routine_nights) == len(done)
    result = trial_overview(store, now=now).result
    assert result is not None
    adherence = result.adherence
    given = adherence.routine_nights + adherence.no_routine_nights + adherence.baseline_nights
    done_in_trial = (
        adherence.routine_done
        + (adherence.no_routine_nights - adherence.no_routine_kept)
        + adherence.baseline_routine
    )
    assert given > 0
    assert abs(done_in_trial - given / 2) <= 1  # every other finished night: the rule's count
    assert trial.plan.start <= min(data.routine_nights | {trial.plan.start})


def test_migration_judges_stored_sessions_by_the_work_done(db_url: str) -> None:
    """Sessions stored before the rule (completed by the buttons) are judged again."""
    from alembic import command
    from sqlalchemy import text

    from crampcoach.store import Store
    from crampcoach.store.engine import WRITE_OPTION
    from crampcoach.store.migrate import alembic_config

    store = Store(db_url)
    skipped = _played(_evening(3), skip_all=True)
    done = _played(_evening(2), skip_all=False)
    from crampcoach.store import routine_sessions as session_repo

    with store.write() as db:
        old = session_repo.add_session(db=db, record=skipped, zone=ZONE).id
        good = session_repo.add_session(db=db, record=done, zone=ZONE).id
        db.execute(text("UPDATE routine_sessions SET completed = true"))  # the old way
    config = alembic_config()
    with store.engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0007_client_keys")
        command.upgrade(config, "head")
    with store.engine.connect() as connection:
        judged = dict(connection.execute(text("SELECT id, completed FROM routine_sessions")).all())
    assert bool(judged[old]) is False and bool(judged[good]) is True
