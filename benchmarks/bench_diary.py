"""Diary benchmark: log one cramp, list a year, export and import ten years of history.

Run: .venv/bin/python benchmarks/bench_diary.py [--postgres URL] [--no-postgres]
                                               [--list-limit-ms MS]
SQLite always (a temporary file); PostgreSQL too when reachable (a temporary schema).
Goals: listing a year under 100 ms (median) and the exported JSON identical to the
imported file; exits 1 when either is missed on any database.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from crampcoach.diary.models import EpisodeFilter
from crampcoach.export.diary_json import write_json
from crampcoach.fixtures.diary import generate_history
from crampcoach.services.diary import list_nights, log_cramp
from crampcoach.services.diary_files import export_diary, import_diary
from crampcoach.store import Store

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
LIST_LIMIT_MS = 100.0


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


@contextmanager
def postgres_url(server: str) -> Iterator[str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(
    name: str, make_url_: Callable[[], str], history_file: Path, limit_ms: float = LIST_LIMIT_MS
) -> tuple[list[str], bool]:
    """The rows printed for one database, and whether a goal was missed."""
    rows = []
    store = Store(make_url_())
    start = time.perf_counter()
    result = import_diary(store, history_file)
    import_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    exported = export_diary(store, "json")
    export_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    export_diary(store, "csv")
    export_csv_ms = (time.perf_counter() - start) * 1000
    year = EpisodeFilter(night_from=date(2025, 11, 1), night_to=date(2026, 10, 31))
    listed = list_nights(store, year)
    list_ms = timed(lambda: list_nights(store, year), 30)
    log_ms = timed(
        lambda: log_cramp(
            store,
            leg="right",
            place="calf",
            severity=6,
            minutes=2,
            zone="Europe/Amsterdam",
            allow_duplicate=True,  # the same cramp 200 times: timing, not a diary
        ),
        200,
    )
    entries, sessions = result.episodes_added, result.sessions_added
    same = "yes" if exported == history_file.read_text(encoding="utf-8") else "NO"
    med, year_count = statistics.median, sum(len(n.episodes) for n in listed)
    verdict = "yes" if med(list_ms) < limit_ms else "NO"
    rows += [
        f"{name:<9} log one cramp     median {med(log_ms):7.2f} ms   p95 {p95(log_ms):7.2f} ms",
        f"{name:<9} list a year       median {med(list_ms):7.2f} ms   p95 {p95(list_ms):7.2f} ms"
        f"   ({year_count} entries on {len(listed)} nights; under {limit_ms:g} ms: {verdict})",
        f"{name:<9} import ten years  {import_ms:8.0f} ms"
        f"   ({entries} entries, {sessions} sessions; JSON into an empty database)",
        f"{name:<9} export ten years  {export_ms:8.0f} ms JSON   {export_csv_ms:6.0f} ms CSV"
        f"   (JSON identical to the imported file: {same})",
    ]
    store.close()
    return rows, "NO" in (same, verdict)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--list-limit-ms", type=float, default=LIST_LIMIT_MS)
    args = parser.parse_args()
    history = generate_history(nights=3650, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        history_file = workdir / "ten-years.json"
        history_file.write_text(write_json(history), encoding="utf-8")
        print(
            f"history: {len(history.episodes)} entries, {len(history.sessions)} sessions, "
            f"{history_file.stat().st_size / 1e6:.1f} MB JSON"
        )
        limit = args.list_limit_ms
        rows, failed = run(
            "sqlite", lambda: f"sqlite:///{workdir / 'bench.db'}", history_file, limit
        )
        if not args.no_postgres:
            try:
                with postgres_url(args.postgres) as url:
                    more, missed = run("postgres", lambda: url, history_file, limit)
                    rows, failed = rows + more, failed or missed
            except Exception as exc:  # unreachable server: say so and go on
                rows.append(f"postgres  skipped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    print("\n".join(rows))
    print("FAIL: a goal was missed" if failed else "PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
