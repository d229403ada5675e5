"""Faults: a writer killed with SIGKILL loses nothing it reported saved; writers side by side."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from crampcoach.store import Store
from crampcoach.store.engine import sqlite_path
from crampcoach.store.models import EpisodeRow

# Logs cramps in a loop and prints each id once `log_cramp` has returned (committed).
WRITER = """
import sys
from datetime import datetime
from zoneinfo import ZoneInfo
from crampcoach.services.diary import log_cramp
from crampcoach.store import Store
at = datetime(2026, 11, 1, 3, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
store = Store(sys.argv[1])
for n in range(int(sys.argv[2])):
    episode = log_cramp(store, leg="left", place="calf", severity=n % 11, minutes=1,
                        started_at=at, zone="Europe/Amsterdam", notes=f"{sys.argv[3]} {n}",
                        allow_duplicate=True)  # the same minute on purpose: a write burst
    print(episode.id, flush=True)
"""


def writer(db_url: str, count: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(count), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_ids(db_url: str) -> set[str]:
    store = Store(db_url)  # a fresh open, as after a crash
    try:
        with store.read() as db:
            return set(db.scalars(select(EpisodeRow.id)))
    finally:
        store.close()


def test_sigkill_mid_burst_loses_nothing_reported_saved(db_url: str) -> None:
    Store(db_url).close()  # migrate first, so the burst is all entries
    process = writer(db_url, 100_000, "burst")
    assert process.stdout is not None
    reported: list[str] = []
    deadline = time.monotonic() + 60
    while len(reported) < 40 and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        reported.append(line.strip())
    os.kill(process.pid, signal.SIGKILL)
    rest, errors = process.communicate(timeout=30)
    reported += [line for line in rest.split() if line]
    assert process.returncode == -signal.SIGKILL, errors
    assert len(reported) >= 40, errors
    assert set(reported) <= stored_ids(db_url)
    path = sqlite_path(db_url)
    if path is not None:
        with sqlite3.connect(path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_two_processes_writing_at_once_both_succeed(db_url: str) -> None:
    Store(db_url).close()
    first, second = writer(db_url, 60, "first"), writer(db_url, 60, "second")
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert first.returncode == 0, outputs[0][1]
    assert second.returncode == 0, outputs[1][1]
    ids = [line for out, _ in outputs for line in out.split()]
    assert len(ids) == 120
    assert set(ids) == stored_ids(db_url)


def test_two_cli_processes_on_a_new_database(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Both start on an empty database (both migrate), both log, both succeed."""
    command = [
        sys.executable,
        "-m",
        "crampcoach",
        "log",
        "--leg",
        "right",
        "--where",
        "calf",
        "--severity",
        "5",
        "--minutes",
        "1",
        "--yes",  # both at the same minute on purpose: not a duplicate to ask about
    ]
    processes = [
        subprocess.Popen(
            command,
            env=cli_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(3)
    ]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.startswith("saved ")
    assert len(stored_ids(cli_env["CRAMPCOACH_DATABASE_URL"])) == 3
