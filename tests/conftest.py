"""Shared fixtures. Diary and store tests run against SQLite and PostgreSQL (`db_url`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crampcoach.settings import Settings
from crampcoach.store import Store
from unavailable import unavailable

# The browser tests' one Playwright and browser for the whole session (tests/browser.py).
pytest_plugins = ["browser"]

# Every store a test opens (its own, an app's, a command's in this process), closed when
# the test ends: before its PostgreSQL schemas are dropped, and so that no test leaves
# connections open for the next. (The stores are the real ones; only their closing is
# collected here, since the code under test leaves each to its owner.)
_OPENED: list[Store] = []


@pytest.fixture(autouse=True)
def _close_opened_stores(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real_init = Store.__init__

    def init(self: Store, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        _OPENED.append(self)

    monkeypatch.setattr(Store, "__init__", init)
    yield
    _close_opened()


def _close_opened() -> None:
    while _OPENED:
        _OPENED.pop().close()


POSTGRES_URL = os.environ.get(
    "CRAMPCOACH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_reachable() -> str | None:
    """None when the test server answers, else why not."""
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means: not reachable
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL test URL; skipped when unreachable, but a failure under CI."""
    problem = _postgres_reachable()
    if problem:
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})")
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def new_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes fresh empty databases of one backend: SQLite files, or PostgreSQL schemas."""
    made: list[str] = []
    server: str | None = None
    if request.param == "postgres":
        server = request.getfixturevalue("postgres_server")
    admin = create_engine(server, isolation_level="AUTOCOMMIT") if server else None

    def make() -> str:
        if admin is None:
            made.append(f"db{len(made)}")
            return f"sqlite:///{tmp_path / made[-1] / 'crampcoach.db'}"
        schema = f"test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    _close_opened()
    if admin is not None:
        with admin.connect() as connection:
            for schema in made:  # only schemas are made on PostgreSQL
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def db_url(new_db_url: Callable[[], str]) -> str:
    """A fresh empty database (SQLite file or PostgreSQL schema of its own)."""
    return new_db_url()


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(db_url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=db_url)


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """Environment for running the real `crampcoach` in a subprocess against `db_url`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPCOACH_")}
    env.update(
        CRAMPCOACH_DATA_DIR=str(tmp_path / "data"),
        CRAMPCOACH_DATABASE_URL=db_url,
        TZ="Europe/Amsterdam",
    )
    return env


class CliResult:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `crampcoach ARGS...` in-process with this environment; returns code, stdout,
    stderr. For commands that touch no database (see `cli` for those that do)."""
    from crampcoach.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def cli(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
) -> Callable[..., CliResult]:
    """Run `crampcoach ARGS...` in-process against `db_url`; returns code, stdout, stderr."""
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CRAMPCOACH_DATABASE_URL", db_url)
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    return run_cli
