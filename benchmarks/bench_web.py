"""Web benchmark: the real `crampcoach serve` against a hello-world floor, two years of diary.

Run: .venv/bin/python benchmarks/bench_web.py [--clients 10] [--requests 300] [--goal-x 5]

Starts two servers in subprocesses on 127.0.0.1, each one process with one worker:
`crampcoach serve` over a temporary data directory holding two years (730 nights) of
generated history imported with `crampcoach import`, and the floor, benchmarks/
hello_app.py: a bare FastAPI app whose GET / answers a small JSON object, run by the
same Python and uvicorn with the same settings (`uvicorn.run(app, host, port,
log_level="warning", server_header=False)`, so the same event loop and HTTP parser).
It waits for the real server's background warm-up to end before measuring.

Then, for each endpoint in turn, --requests requests (300; the floor --floor-requests,
1000) after a warm-up of two a client, not counted, from --clients clients (10), each one
keep-alive connection sending back to back. The clients are coroutines on one event loop
in this process (bench_load.Connection: plain HTTP/1.1 on asyncio streams, a tenth of
httpx's CPU a request, so this process leaves the servers the second core). The floor
is measured before the first page, between every two pages and after the last; each
page is compared with the mean of the floor just before and just after it, so a busy
moment of the machine falls on both alike. A time cap stops an endpoint early
(--endpoint-cap, 15 s) and all the loads (--cap, 100 s).

Prints per endpoint: requests per second, p50 and p95 latency, and the server's CPU time
per request, each page's also as a multiple of the floor's ("x floor"). The CPU is the
sum of the server's threads' run time from /proc/<pid>/task/*/schedstat (nanoseconds)
read just before and just after the measured requests: /proc/<pid>/stat's utime+stime
count 10 ms ticks, too coarse for a few hundred requests of the floor (their total over
the run is printed as a check). CPU a request hardly changes with the machine's other
load; requests per second and latency do, so compare those through their ratios.

Goals (exit 1 when one is missed):
- every GET of crampcoach, /insights included, within --goal-x (5) times the floor's
  CPU per request at --clients (10), on a diary of two years (issue 19);
- as before: the diary list of a year (the last 365 nights), as a page and through the
  API, with a p95 under 50 ms at --p95-clients (2: a phone beside the bed and a laptop),
  measured in a pass of its own after the pages;
- no errors (an answer other than the expected status, or none) and no endpoint left
  without a measurement by the caps.
POST /api/episodes (a new cramp each time, allow_duplicate) is measured last, since it
adds entries and so resets the Insights summary, and is shown but not held to the CPU
goal: it is not a page.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench_load import Connection, process_cpu_s
from crampcoach.fixtures.diary import generate_history
from local_server import (
    HOST,
    ZONE,
    Running,
    episode_body,
    free_port,
    import_history,
    percentile,
    running,
    server,
)

LABEL = "bench_web"
NIGHTS = 730  # two years
GOAL_X = 5.0  # CPU a request, times the floor's
P95_GOAL_MS = 50.0  # the diary list, at --p95-clients
TIMEOUT_S = 10.0  # a request
HELLO_APP = Path(__file__).with_name("hello_app.py")


# -- the servers' CPU ------------------------------------------------------------------
def thread_run_ns(pid: int) -> dict[int, int]:
    """Nanoseconds each live thread of `pid` has run (user + system), by thread id."""
    times = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        with suppress(FileNotFoundError, ProcessLookupError):  # the thread has just ended
            times[int(task.name)] = int((task / "schedstat").read_text().split()[0])
    return times


@dataclass
class CpuMark:
    threads: dict[int, int]
    ticks_s: float

    @classmethod
    def now(cls, pid: int) -> CpuMark:
        return cls(thread_run_ns(pid), process_cpu_s(pid))  # 10 ms ticks, as a check

    def since(self, pid: int) -> tuple[float, float]:
        """CPU seconds used since this mark: (from schedstat, from the ticks). A thread
        that ended meanwhile is left out; the server's pool threads end only after
        ten idle seconds, so they had done nothing in a load of a few seconds."""
        later = CpuMark.now(pid)
        ran = sum(ns - self.threads.get(tid, 0) for tid, ns in later.threads.items())
        return ran / 1e9, later.ticks_s - self.ticks_s


async def quiet(pid: int, limit_s: float = 90, window_s: float = 0.5) -> float:
    """Wait until `pid` uses under 5% of a core for two windows in a row (the real
    server warms the heavy libraries and the Insights summary in the background once it
    is ready); returns the seconds waited."""
    start = time.monotonic()
    calm = 0
    while calm < 2 and time.monotonic() - start < limit_s:
        mark = CpuMark.now(pid)
        await asyncio.sleep(window_s)
        calm = calm + 1 if mark.since(pid)[0] < 0.05 * window_s else 0
    return time.monotonic() - start


# -- the floor server ------------------------------------------------------------------
@contextmanager
def floor_server(log_dir: Path, start_timeout: float = 30) -> Iterator[Running]:
    """benchmarks/hello_app.py on a free loopback port, ready (GET / answered) when
    yielded; terminated (killed if need be) on the way out. Output to log_dir/floor.log."""
    port = free_port()
    cmd = [sys.executable, str(HELLO_APP), "--host", HOST, "--port", str(port)]
    label = f"{LABEL}: the floor server"
    log = log_dir / "floor.log"
    with running(cmd, port, log=log, ready="/", label=label, start_timeout=start_timeout) as up:
        yield up


# -- the load --------------------------------------------------------------------------
@dataclass
class Endpoint:
    name: str
    method: str
    path: str
    cpu_goal: bool = True  # held to goal_x times the floor's CPU a request
    p95_goal: bool = False  # held to P95_GOAL_MS at --p95-clients
    body: Callable[[int], dict] | None = None
    expect: int = 200


FLOOR = Endpoint("floor: hello world GET /", "GET", "/", cpu_goal=False)


@dataclass
class Result:
    endpoint: Endpoint
    clients: int
    times_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: int = 0  # requests sent in the measured part, answered or not
    wall_s: float = float("nan")
    cpu_s: float = float("nan")  # the server's, schedstat
    ticks_s: float = float("nan")  # the same from utime+stime
    capped: bool = False

    @property
    def rps(self) -> float:
        return len(self.times_ms) / self.wall_s if self.times_ms else float("nan")

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 0.95)

    @property
    def cpu_ms(self) -> float:
        """The server's CPU milliseconds a request."""
        return self.cpu_s * 1000 / self.sent if self.sent else float("nan")


async def send(connection: Connection, endpoint: Endpoint, i: int) -> tuple[float, str | None]:
    """The i-th request of `endpoint`: (ms, the problem or None)."""
    body = json.dumps(endpoint.body(i)).encode() if endpoint.body else None
    start = time.perf_counter()
    try:
        async with asyncio.timeout(TIMEOUT_S):
            status, content = await connection.request(endpoint.method, endpoint.path, body)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        return (time.perf_counter() - start) * 1000, type(exc).__name__
    elapsed = (time.perf_counter() - start) * 1000
    if status == endpoint.expect:
        return elapsed, None
    return elapsed, f"{status}: {content[:200].decode(errors='replace')!r}"


async def load(
    running: Running, endpoint: Endpoint, requests: int, clients: int, stop_at: float
) -> Result:
    """Warm up (two requests a client, not counted), then `requests` requests from
    `clients` keep-alive connections sending back to back, stopping early at `stop_at`;
    the server's CPU is read just before and just after the measured part."""
    result = Result(endpoint, clients)
    connections = [Connection(running.url) for _ in range(clients)]
    numbers = iter(range(requests))
    try:
        for k in range(2):  # numbered past the measured ones: each POST a new cramp
            sends = (
                send(c, endpoint, requests + k * clients + n) for n, c in enumerate(connections)
            )
            result.errors += [problem for _, problem in await asyncio.gather(*sends) if problem]

        async def client(connection: Connection) -> None:
            for i in numbers:
                if time.monotonic() > stop_at:
                    result.capped = True
                    return
                ms, problem = await send(connection, endpoint, i)
                result.sent += 1
                if problem is None:
                    result.times_ms.append(ms)
                else:
                    result.errors.append(problem)

        mark = CpuMark.now(running.pid)
        start = time.perf_counter()
        await asyncio.gather(*(client(c) for c in connections))
        result.wall_s = time.perf_counter() - start
        result.cpu_s, result.ticks_s = mark.since(running.pid)
    finally:
        for connection in connections:
            connection.close()
    return result


# -- the report ------------------------------------------------------------------------
def ratio(value: float, floor: float) -> float:
    return value / floor if floor > 0 else float("nan")


@dataclass
class Row:
    result: Result
    floors: list[Result]  # the floor just before and just after it (none: the floor row)
    goals: list[tuple[str, bool]] = field(default_factory=list)

    def base(self, metric: Callable[[Result], float]) -> float:
        return statistics.fmean(metric(f) for f in self.floors) if self.floors else float("nan")


def judge(row: Row, args: argparse.Namespace) -> None:
    r, goal_x = row.result, args.goal_x
    if r.endpoint.cpu_goal and row.floors and r.clients == args.clients:
        cpu_x = ratio(r.cpu_ms, row.base(lambda f: f.cpu_ms))
        row.goals.append((f"CPU<={goal_x:g}x", bool(r.times_ms) and cpu_x <= goal_x))
    if r.endpoint.p95_goal and r.clients == args.p95_clients:
        row.goals.append((f"p95<{P95_GOAL_MS:g}ms", bool(r.times_ms) and r.p95 < P95_GOAL_MS))
    if r.errors:
        row.goals.append(("no errors", False))
    if not r.times_ms:
        row.goals.append(("measured in the caps", False))


def print_table(rows: list[Row]) -> bool:
    width = max(len(f"{row.result.endpoint.name} ({row.result.clients})") for row in rows)
    heads = ("req/s", "x floor", "p50 ms", "p95 ms", "x floor", "CPU ms/req", "x floor")
    print(f"\n{'endpoint (clients)':<{width}}  " + "  ".join(f"{h:>7}" for h in heads), end="")
    print("  goal               verdict")
    failed = False
    for row in rows:
        r = row.result
        cells = [
            f"{r.rps:>7.0f}",
            f"{ratio(r.rps, row.base(lambda f: f.rps)):>7.2f}" if row.floors else f"{'':>7}",
            f"{r.p50:>7.1f}",
            f"{r.p95:>7.1f}",
            f"{ratio(r.p95, row.base(lambda f: f.p95)):>7.1f}" if row.floors else f"{'':>7}",
            f"{r.cpu_ms:>10.2f}",
            f"{ratio(r.cpu_ms, row.base(lambda f: f.cpu_ms)):>7.1f}" if row.floors else f"{'':>7}",
        ]
        goal = ", ".join(name for name, _ in row.goals) or "-"
        missed = any(not ok for _, ok in row.goals)
        verdict = "MISSED" if missed else "PASS" if row.goals else ""
        failed |= missed
        name = f"{r.endpoint.name} ({r.clients})"
        print(f"{name:<{width}}  " + "  ".join(cells) + f"  {goal:<19}{verdict}")
        for problem in sorted(set(r.errors))[:3]:
            print(f"  ! {len(r.errors)} errors, e.g. {problem}")
        if r.capped:
            print(f"  ! stopped by a time cap after {r.sent} requests")
    return failed


# -- main ------------------------------------------------------------------------------
def fill(data_dir: Path, nights: int) -> tuple[int, date, date]:
    """Import `nights` of generated history ending two nights ago: (entries, the first
    night, the last)."""
    end = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    content = generate_history(nights=nights, end=end)
    import_history(data_dir, content, label=LABEL)
    return len(content.episodes), end - timedelta(days=nights - 1), end


def pages(first: date) -> list[Endpoint]:
    """The GETs held to the CPU goal; `first` is the diary's first night."""
    diary_all = f"/diary?from={first}"
    api_all = f"/api/episodes?from={first}&limit=1000"
    return [
        Endpoint("GET /", "GET", "/"),
        Endpoint("GET /diary", "GET", "/diary"),
        Endpoint(f"GET {diary_all}", "GET", diary_all),
        Endpoint("GET /insights", "GET", "/insights"),
        Endpoint("GET /play/bedtime", "GET", "/play/bedtime"),
        Endpoint("GET /api/episodes", "GET", "/api/episodes"),
        Endpoint(f"GET {api_all}", "GET", api_all),
        Endpoint("GET /api/timeline?routine=bedtime", "GET", "/api/timeline?routine=bedtime"),
        Endpoint("GET /healthz", "GET", "/healthz"),
    ]


def diary_of_a_year(last: date) -> list[Endpoint]:
    """The diary list of the year to the night of `last`, as a page and through the API:
    held to the p95 goal at --p95-clients."""
    since = last - timedelta(days=364)
    diary_year = f"/diary?from={since}"
    api_year = f"/api/episodes?from={since}&limit=1000"
    return [
        Endpoint(f"GET {diary_year}", "GET", diary_year, cpu_goal=False, p95_goal=True),
        Endpoint(f"GET {api_year}", "GET", api_year, cpu_goal=False, p95_goal=True),
    ]


def new_cramp(i: int) -> dict:
    """The i-th cramp to POST: another cramp even when one of the same leg is near."""
    return {**episode_body(i), "allow_duplicate": True}


POST = Endpoint("POST /api/episodes", "POST", "/api/episodes", False, body=new_cramp, expect=201)


async def measure(
    real: Running,
    floor: Running,
    endpoints: list[Endpoint],
    year: list[Endpoint],
    args: argparse.Namespace,
) -> tuple[list[Row], list[Result]]:
    """The floor, then each page followed by the floor again, at --clients; the diary of
    a year, each followed by the floor, at --p95-clients; the POST and the floor. Returns
    the rows (the floor's median run first) and the floor's runs at --clients."""
    waited = await quiet(real.pid)
    print(f"{LABEL}: the server was quiet (its warm-up done) after {waited:.1f} s", flush=True)
    stop_all = time.monotonic() + args.cap

    def stop_at() -> float:
        return min(stop_all, time.monotonic() + args.endpoint_cap)

    async def run(running: Running, endpoint: Endpoint, clients: int) -> Result:
        requests = args.floor_requests if endpoint is FLOOR else args.requests
        result = await load(running, endpoint, requests, clients, stop_at())
        print(f"  {endpoint.name} ({clients}): {len(result.times_ms)} in {result.wall_s:.1f} s")
        return result

    floors = [await run(floor, FLOOR, args.clients)]
    rows = []
    for endpoint in endpoints:
        page = await run(real, endpoint, args.clients)
        floors.append(await run(floor, FLOOR, args.clients))
        rows.append(Row(page, floors[-2:]))
    before = await run(floor, FLOOR, args.p95_clients)
    for endpoint in year:
        page = await run(real, endpoint, args.p95_clients)
        after = await run(floor, FLOOR, args.p95_clients)
        rows.append(Row(page, [before, after]))
        before = after
    # Last of all: it adds entries (and so resets the Insights summary).
    page = await run(real, POST, args.clients)
    floors.append(await run(floor, FLOOR, args.clients))
    rows.append(Row(page, floors[-2:]))
    middle = sorted(floors, key=lambda f: f.cpu_ms)[len(floors) // 2]
    return [Row(middle, []), *rows], floors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients (10)")
    parser.add_argument("--requests", type=int, default=300, help="per endpoint (300)")
    parser.add_argument(
        "--floor-requests", type=int, default=1000, help="per floor run (1000: it is quick)"
    )
    parser.add_argument("--nights", type=int, default=NIGHTS, help="history to import (730)")
    parser.add_argument(
        "--goal-x", type=float, default=GOAL_X, help="CPU a request, times the floor's (5)"
    )
    parser.add_argument(
        "--p95-clients", type=int, default=2, help="clients for the diary p95 goal (2)"
    )
    parser.add_argument("--endpoint-cap", type=float, default=15, help="per endpoint, s (15)")
    parser.add_argument("--cap", type=float, default=100, help="all the loads, s (100)")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 32 and 1 <= args.p95_clients <= 32):
        parser.error("--clients and --p95-clients must be 1..32 (a bounded load)")
    if not (
        10 <= min(args.requests, args.floor_requests) <= 5000
        and 1 <= args.nights <= 3650
        and args.goal_x > 0
    ):
        parser.error(
            "--requests and --floor-requests must be 10..5000, --nights 1..3650, --goal-x above 0"
        )

    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="crampcoach-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        entries, first, last = fill(data_dir, args.nights)
        print(
            f"{LABEL}: {entries} entries over {args.nights} nights imported in "
            f"{time.monotonic() - started:.1f} s; {args.requests} requests an endpoint from "
            f"{args.clients} clients on {HOST}; caps {args.endpoint_cap:g} s an endpoint, "
            f"{args.cap:g} s in all",
            flush=True,
        )
        with (
            server(data_dir, label=LABEL) as real,
            floor_server(Path(tmp)) as floor,
            asyncio.Runner(loop_factory=loop_factory) as runner,
        ):
            work = measure(real, floor, pages(first), diary_of_a_year(last), args)
            rows, floors = runner.run(work)
            log = (data_dir / "serve.log").read_text(errors="replace")

    for row in rows:
        judge(row, args)
    failed = print_table(rows)

    cpu = [f.cpu_ms for f in floors]
    print(
        "\nx floor: the figure over the floor's (req/s under 1: fewer than the floor); CPU: "
        "the server's, summed over its threads, per request"
    )
    print(
        f"floor: measured {len(floors)} times at {args.clients} clients, CPU {min(cpu):.3f} to "
        f"{max(cpu):.3f} ms a request (its row: the median run); each page's 'x floor' is "
        "against the mean of the floor just before and just after it"
    )
    real_rows = [row.result for row in rows if row.floors]
    by_ns = sum(r.cpu_s for r in real_rows)
    by_ticks = sum(r.ticks_s for r in real_rows)
    print(
        f"server CPU over the measured loads: {by_ns:.3f} s by schedstat, {by_ticks:.2f} s by "
        f"utime+stime ticks; the whole run took {time.monotonic() - started:.0f} s"
    )
    if "Traceback" in log:
        print(f"\nserver log (last lines):\n{''.join(log.splitlines(True)[-20:])}")
        failed = True
    print("\nMISSED" if failed else "\nPASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
