"""Who owns the diary's store: the web app for its life, a CLI command for its run; there
is no process-wide registry of open stores."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crampcoach.cli import main
from crampcoach.services.diary import log_cramp
from crampcoach.services.storage import open_store
from crampcoach.store import Store
from crampcoach.web import create_app
from web_client import local_client, sqlite_settings


def _pooled(store: Store) -> int:
    return store.engine.pool.checkedin()  # type: ignore[attr-defined]


def test_the_app_closes_the_store_it_opened_when_it_stops(tmp_path: Path) -> None:
    app = create_app(sqlite_settings(tmp_path))
    with local_client(app) as client:
        assert client.get("/api/episodes").status_code == 200
        assert _pooled(app.state.store) >= 1  # its connection, kept for the next request
    assert _pooled(app.state.store) == 0


def test_a_store_given_to_the_app_stays_its_owners(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    with open_store(settings) as store:
        app = create_app(settings, store=store)
        with local_client(app) as client:
            assert client.get("/api/episodes").status_code == 200
        assert app.state.store is store
        assert _pooled(store) >= 1  # not closed by the app


def test_two_apps_on_two_diaries_keep_apart(tmp_path: Path) -> None:
    first = create_app(sqlite_settings(tmp_path / "a"))
    second = create_app(sqlite_settings(tmp_path / "b"))
    log_cramp(
        first.state.store,
        leg="left",
        place="calf",
        severity=5,
        minutes=1,
        started_at=datetime(2026, 11, 1, 3, 0, tzinfo=UTC),
        zone="Europe/Amsterdam",
    )
    assert len(local_client(first).get("/api/episodes").json()) == 1
    assert local_client(second).get("/api/episodes").json() == []


def test_a_command_opens_its_store_and_closes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[str] = []
    real_close = Store.close

    def close(self: Store) -> None:
        closed.append(self.url)
        real_close(self)

    monkeypatch.setattr(Store, "close", close)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRAMPCOACH_DATABASE_URL", url)
    with pytest.raises(SystemExit) as done:
        main(["diary"])
    assert done.value.code == 0
    assert closed == [url]
