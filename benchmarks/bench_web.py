"""Web latency benchmark: the real `crampcoach serve` on loopback, a year of diary.

Run: .venv/bin/python benchmarks/bench_web.py [--requests 200] [--clients 2] [--cap 120]

Starts the server in a subprocess on 127.0.0.1 (a temporary data directory holding one
year of generated history, imported with `crampcoach import`), then sends a bounded load
from this process: for each endpoint a fixed number of requests from a few concurrent
clients, all under a hard time cap. Prints p50/p95/max per endpoint. Goal: p95 under
50 ms for the diary list of a year, as a page and through the API; exits 1 otherwise.

The server is one process (as `crampcoach serve` runs for one person), so requests share
one interpreter: with N clients a request waits behind up to N-1 others. The default
load is 2 clients, a phone beside the bed and a laptop; try --clients 4 to see queueing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from crampcoach.fixtures.diary import generate_history
from local_server import HOST, ZONE, episode_body, import_history, percentile, server

GOAL_MS = 50.0
WARMUP = 5


@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    goal: bool = False  # held to GOAL_MS at p95
    body: Callable[[int], dict] | None = None
    expect: int = 200


@dataclass
class Result:
    endpoint: Endpoint
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    capped: bool = False


def fill(data_dir: Path, nights: int) -> tuple[int, str]:
    """Import `nights` of generated history ending two nights ago; returns (entries, from)."""
    end = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    content = generate_history(nights=nights, end=end)
    import_history(data_dir, content, label="bench_web")
    year_ago = end - timedelta(days=nights - 1)
    return len(content.episodes), year_ago.isoformat()


def load(url: str, endpoint: Endpoint, requests: int, clients: int, stop_at: float) -> Result:
    result = Result(endpoint)
    local = threading.local()
    lock = threading.Lock()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=url, timeout=10, follow_redirects=False)
        return local.client

    def one(i: int) -> None:
        if time.monotonic() > stop_at:
            result.capped = True
            return
        kwargs = {"json": endpoint.body(i)} if endpoint.body else {}
        start = time.perf_counter()
        try:
            answer = client().request(endpoint.method, endpoint.path, **kwargs)
            answer.read()
            elapsed = (time.perf_counter() - start) * 1000
            ok = answer.status_code == endpoint.expect
            problem = None if ok else f"{answer.status_code}: {answer.text[:200]}"
        except httpx.HTTPError as exc:
            elapsed, problem = (time.perf_counter() - start) * 1000, f"{type(exc).__name__}"
        with lock:
            if problem is None and i >= 0:
                result.times_ms.append(elapsed)
            elif problem is not None:
                result.errors.append(problem)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(-WARMUP, 0)))  # warm up; not counted
        list(pool.map(one, range(requests)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per endpoint (default 200)")
    parser.add_argument(
        "--clients", type=int, default=2, help="concurrent clients (default 2: phone, laptop)"
    )
    parser.add_argument("--nights", type=int, default=365, help="history to import (365)")
    parser.add_argument("--cap", type=float, default=120, help="hard time cap, s (default 120)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 16 and 1 <= args.requests <= 5000):
        parser.error("--clients must be 1..16 and --requests 1..5000 (a bounded load)")

    with tempfile.TemporaryDirectory(prefix="crampcoach-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        entries, since = fill(data_dir, args.nights)
        endpoints = [
            Endpoint("GET /", "GET", "/"),
            Endpoint(f"GET /diary?from={since}", "GET", f"/diary?from={since}", goal=True),
            Endpoint("GET /play/bedtime", "GET", "/play/bedtime"),
            Endpoint("GET /api/timeline?routine=bedtime", "GET", "/api/timeline?routine=bedtime"),
            Endpoint(
                f"GET /api/episodes?from={since}&limit=1000",
                "GET",
                f"/api/episodes?from={since}&limit=1000",
                goal=True,
            ),
            Endpoint("POST /api/episodes", "POST", "/api/episodes", body=episode_body, expect=201),
        ]
        print(
            f"bench_web: {entries} entries over {args.nights} nights; {args.requests} requests "
            f"per endpoint from {args.clients} clients on {HOST}; cap {args.cap:.0f} s"
        )
        stop_at = time.monotonic() + args.cap
        with server(data_dir, label="bench_web") as running:
            results = [
                load(running.url, e, args.requests, args.clients, stop_at) for e in endpoints
            ]

    width = max(len(r.endpoint.name) for r in results)
    print(f"\n{'endpoint':<{width}}  requests  p50 ms  p95 ms  max ms  goal (p95 < {GOAL_MS:g} ms)")
    failed = False
    for r in results:
        times = r.times_ms
        p50, p95 = percentile(times, 0.50), percentile(times, 0.95)
        top = max(times) if times else float("nan")
        verdict = ""
        if r.endpoint.goal:
            ok = bool(times) and p95 < GOAL_MS and not r.errors and not r.capped
            verdict = "PASS" if ok else "FAIL"
            failed |= not ok
        elif r.errors or r.capped:
            verdict = "FAIL"
            failed = True
        print(
            f"{r.endpoint.name:<{width}}  {len(times):>8}  {p50:>6.1f}  {p95:>6.1f}  {top:>6.1f}  "
            f"{verdict}"
        )
        for problem in sorted(set(r.errors))[:3]:
            print(f"  ! {len(r.errors)} errors, e.g. {problem}")
        if r.capped:
            print(f"  ! stopped by the {args.cap:g} s cap")
    print("\nFAIL" if failed else "\nPASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
