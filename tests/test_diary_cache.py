"""Views worked out from the diary (Insights, Today) are kept until the diary changes:
a repeated page costs one small query, and a write shows at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event

from crampcoach.services.diary import log_cramp, standing
from crampcoach.services.diary_cache import DiaryCache
from crampcoach.services.preferences import update_settings
from crampcoach.services.storage import open_store
from crampcoach.store import Store
from crampcoach.web import create_app
from web_client import local_client, sqlite_settings


def test_a_view_is_worked_out_once_per_diary_version(tmp_path: Path) -> None:
    store = open_store(sqlite_settings(tmp_path))
    worked: list[int] = []

    def compute(store: Store, now: datetime) -> int:
        worked.append(standing(store).version)
        return len(worked)

    cache = DiaryCache(compute)
    assert cache.view(store) == cache.view(store) == 1
    with store.write(diary=False):  # a device seen: nothing derived from the diary
        pass
    assert cache.view(store) == 1
    with store.write():
        pass
    assert cache.view(store) == 2
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # another night: worked out again
    assert cache.view(store, now=tomorrow) == 3
    assert len(worked) == 3


def test_today_shows_a_cramp_as_soon_as_it_is_logged(tmp_path: Path) -> None:
    app = create_app(sqlite_settings(tmp_path))
    client = local_client(app)
    assert client.get("/").status_code == 200
    before = app.state.today.view(app.state.store).overview.nights[-1].cramps
    log_cramp(app.state.store, leg="left", place="calf", severity=4)
    assert client.get("/").status_code == 200
    assert app.state.today.view(app.state.store).overview.nights[-1].cramps == before + 1


def test_a_repeated_today_page_reads_the_database_once(tmp_path: Path) -> None:
    # The diary's version, the profile's zone and the preferences come in one query; the
    # rest of the page is the view kept against that version.
    app = create_app(sqlite_settings(tmp_path))
    client = local_client(app)
    update_settings(app.state.store, {"default_leg": "right"})
    assert client.get("/").status_code == 200
    statements: list[str] = []
    listen = event.listens_for(app.state.store.engine, "before_cursor_execute")
    listen(lambda _c, _cur, statement, *_args: statements.append(statement))
    page = client.get("/")
    assert page.status_code == 200 and 'id="today-leg-right" checked' in page.text
    assert [s for s in statements if s.lstrip().upper().startswith("SELECT")] == [statements[-1]], (
        statements
    )
