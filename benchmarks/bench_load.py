"""Load benchmark: 50 clients for 30 s on the real `crampcoach serve`, a diary of 10,000.

Run: .venv/bin/python benchmarks/bench_load.py [--clients 50] [--duration 30] [--src DIR]

Starts `crampcoach serve` on 127.0.0.1 in a subprocess over a temporary data directory
holding a diary of 10,000 entries (imported with `crampcoach import`): ten years of the
package's generated history, the rest on a few crowded nights (as a runaway script or a
doubled import would leave), half of them in the default /diary window of 30 nights and
half in a month a year back, the one GET /diary?from=...&to=... asks for. Without paging
those pages are megabytes each.

Then --clients clients, each one keep-alive connection, send requests back to back (no
think time) for --duration seconds, each going round the same mixed list of pages and
API calls from its own starting point. The clients are coroutines on one event loop
(uvloop when installed) speaking plain HTTP/1.1 over asyncio streams: some 0.25 ms of
CPU a request, ten times less than httpx, so the generator leaves the second core alone.
Every request has a --timeout (10 s); a client whose request times out closes that
connection and goes on with a new one, as a person reloading would (the server still
finishes the abandoned work). The load stops at duration + timeout whatever the server
does, and the whole run (import included) at --cap seconds.

Prints per endpoint: requests answered, req/s, p50/p95/max latency of the answers, the
mean body size, and errors (an answer other than 2xx/3xx, or none: timeout, refused or
reset connection); then the CPU used during the load by the server, by this generator
and by everything else on the machine, and the CPU each request cost the server (which
the machine's other load hardly changes: compare it when latencies are noisy).

Goals (exit 1 when missed): no errors at all, and the p95 of all answers under
--p95-goal (1,000 ms): past a second a page breaks a person's flow, and one person's
server should stay that quick even with 50 tabs asking at once. With zero think time 50
clients keep the one server process saturated, so by Little's law the mean latency is
50 / (requests a second): the goal asks for about 70 to 100 mixed requests a second,
some 10 ms of server time a request on average. A paged diary can give that; a page of
thousands of entries (megabytes of HTML) cannot.

--src DIR runs the server (and the import) from another source tree, e.g. a git worktree
of an older commit, to measure before and after on the same machine and data.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crampcoach.diary.night import night_in_zone
from crampcoach.export.diary_json import DiaryContent
from crampcoach.fixtures.diary import generate_history
from local_server import (
    HOST,
    ZONE,
    Running,
    episode_body,
    import_history,
    package_file,
    percentile,
    server,
)

LABEL = "bench_load"
DIARY_WINDOW = 30  # nights /diary shows by default (web/diary_filters.DEFAULT_NIGHTS)
YEAR_BACK = 365  # the ranged /diary asks for a month this many nights back
LOAD_SEED = 14
BUSY_ELSEWHERE = 25  # % of the machine used by others during the load: worth a warning


# -- the diary -------------------------------------------------------------------------
@dataclass(frozen=True)
class Diary:
    content: DiaryContent
    generated: int  # entries from generate_history
    crowded: dict[date, int]  # night -> entries added on it
    range_from: date
    range_to: date


def crowded_nights(end: date, count: int) -> list[date]:
    """`count` nights: the first half spread over the default /diary window (the nights up
    to `end`), the rest over the month YEAR_BACK nights earlier."""
    recent = (count + 1) // 2
    older = count - recent

    def spread(last: date, n: int) -> list[date]:
        step = DIARY_WINDOW // (n + 1)
        return [last - timedelta(days=step * (i + 1)) for i in range(n)]

    return spread(end, recent) + spread(end - timedelta(days=YEAR_BACK), older)


def build_diary(entries: int, years: int, crowded: int, end: date, seed: int = 0) -> Diary:
    """`years` of generated history ending with the night of `end`, topped up to `entries`
    with copies of its entries spread evenly over the night (22:00 to 08:00) of `crowded`
    nights (new ids, times and nights; the rest as generated)."""
    history = generate_history(nights=years * 365, end=end, seed=seed)
    extra = entries - len(history.episodes) if crowded else 0
    if extra < 0:
        raise SystemExit(
            f"{LABEL}: {years} years already hold {len(history.episodes)} entries, more than "
            f"--entries {entries}; ask for fewer --years"
        )
    nights = crowded_nights(end, crowded) if extra else []  # crowded 0: the history alone
    rng = random.Random(f"crowded {seed}")  # not `seed`: its ids are the history's
    tz = ZoneInfo(ZONE)
    templates = itertools.cycle(history.episodes)
    added = []
    per_night: dict[date, int] = {}
    for n, night in enumerate(nights):
        count = extra // len(nights) + (1 if n < extra % len(nights) else 0)
        first = datetime.combine(night, clock(22), tz).astimezone(UTC)
        step = timedelta(hours=10) / count
        for k in range(count):
            at = (first + k * step).replace(microsecond=0).astimezone(tz)
            written = (at + timedelta(minutes=5)).astimezone(UTC)
            added.append(
                next(templates).model_copy(
                    update={
                        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        "started_at": at,
                        "night": night_in_zone(at, ZONE),
                        "created_at": written,
                        "updated_at": written,
                    }
                )
            )
        per_night[night] = count
    episodes = sorted([*history.episodes, *added], key=lambda e: e.started_at)
    back = end - timedelta(days=YEAR_BACK)
    return Diary(
        content=DiaryContent(profile=history.profile, episodes=episodes, sessions=history.sessions),
        generated=len(history.episodes),
        crowded=per_night,
        range_from=back - timedelta(days=DIARY_WINDOW - 1),
        range_to=back,
    )


# -- the load --------------------------------------------------------------------------
@dataclass
class Endpoint:
    name: str
    method: str
    path: Callable[[int], str]  # the i-th request's path
    body: Callable[[int], dict] | None = None


@dataclass
class Tally:
    times_ms: list[float] = field(default_factory=list)  # answered requests, any status
    size: int = 0  # body bytes of the answers
    sent: int = 0  # requests sent, answered or not
    errors: Counter[str] = field(default_factory=Counter)


def endpoints(diary: Diary, ids: list[str]) -> list[Endpoint]:
    def fixed(path: str) -> Callable[[int], str]:
        return lambda _i: path

    ranged = f"/diary?from={diary.range_from}&to={diary.range_to}"
    return [
        Endpoint("GET /", "GET", fixed("/")),
        Endpoint("GET /diary", "GET", fixed("/diary")),
        Endpoint("GET /diary?from=&to=", "GET", fixed(ranged)),
        Endpoint("GET /insights", "GET", fixed("/insights")),
        Endpoint("GET /trial", "GET", fixed("/trial")),
        Endpoint("GET /settings", "GET", fixed("/settings")),
        Endpoint("GET /api/episodes", "GET", fixed("/api/episodes")),
        Endpoint("GET /api/episodes/{id}", "GET", lambda i: f"/api/episodes/{ids[i % len(ids)]}"),
        Endpoint("POST /api/episodes", "POST", fixed("/api/episodes"), body=episode_body),
        Endpoint("GET /api/profile", "GET", fixed("/api/profile")),
        Endpoint("GET /healthz", "GET", fixed("/healthz")),
    ]


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams, like one browser tab: Host
    127.0.0.1:PORT, no Origin (a same-origin fetch or a script sends none), no cookies.
    Just enough HTTP for this server (Content-Length or chunked bodies); some ten times
    less CPU a request than httpx, which matters with two cores. Reconnects after an
    error, a timeout or `Connection: close`."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or HOST, parts.port or 80
        self.authority = parts.netloc
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        try:
            return await self._exchange(method, path, body)
        except BaseException:
            self.close()
            raise

    async def _exchange(self, method: str, path: str, body: bytes | None) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.authority}\r\nAccept: */*\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode("ascii") + b"\r\n" + (body or b""))
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = dict(
            (name.strip().lower(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        )
        if method == "HEAD" or status in (204, 304) or status < 200:
            content = b""
        elif "content-length" in headers:
            content = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            content = await read_chunked(reader)
        else:  # the body runs to the end of the connection
            content = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
        pass
    return b"".join(parts)


async def one_request(
    connection: Connection, endpoint: Endpoint, i: int, timeout: float
) -> tuple[float, int, str | None]:
    """Send the i-th request of `endpoint`: (ms, body bytes, the problem or None); ms is
    NaN when no answer came (timeout, refused or reset connection, garbled answer)."""
    body = json.dumps(endpoint.body(i)).encode() if endpoint.body else None
    start = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            status, content = await connection.request(endpoint.method, endpoint.path(i), body)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
        return float("nan"), 0, type(exc).__name__
    elapsed = (time.perf_counter() - start) * 1000
    if 200 <= status < 400:
        return elapsed, len(content), None
    return elapsed, len(content), f"{status} {content[:120].decode(errors='replace')!r}"


async def warm_up(url: str, plan: list[Endpoint], timeout: float) -> list[str]:
    """Each endpoint once, in turn (not counted); the problems found."""
    found = []
    connection = Connection(url)
    for endpoint in plan:
        *_, trouble = await one_request(connection, endpoint, 0, timeout)
        if trouble:
            found.append(f"{endpoint.name}: {trouble}")
    connection.close()
    return found


async def run_load(
    url: str, plan: list[Endpoint], clients: int, duration: float, timeout: float
) -> tuple[dict[str, Tally], float]:
    """`clients` clients, one connection each, going round `plan` from their own starting
    points until `duration` has passed; a request still out then may take its `timeout`.
    Returns the tallies and the wall time used."""
    tallies = {e.name: Tally() for e in plan}
    numbers = {e.name: itertools.count(1) for e in plan}  # the i of each endpoint's requests
    start = time.monotonic()
    stop_at = start + duration

    async def one_client(k: int) -> None:
        connection = Connection(url)
        try:
            for turn in itertools.count(k):
                if time.monotonic() >= stop_at:
                    return
                endpoint = plan[turn % len(plan)]
                i = next(numbers[endpoint.name])
                ms, size, trouble = await one_request(connection, endpoint, i, timeout)
                tally = tallies[endpoint.name]
                tally.sent += 1
                if not math.isnan(ms):  # an answer came
                    tally.times_ms.append(ms)
                    tally.size += size
                if trouble:
                    tally.errors[trouble] += 1
        finally:
            connection.close()

    tasks = [asyncio.create_task(one_client(k)) for k in range(clients)]
    done, pending = await asyncio.wait(tasks, timeout=duration + timeout + 5)
    for task in pending:  # only if a client is stuck past its own timeout
        task.cancel()
        tallies[plan[0].name].errors["client stuck past the timeout, cancelled"] += 1
    if pending:
        await asyncio.wait(pending, timeout=5)
    for task in done:
        if task.exception() is not None:
            tallies[plan[0].name].errors[f"client crashed: {task.exception()!r}"] += 1
    return tallies, time.monotonic() - start


# -- CPU -------------------------------------------------------------------------------
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / TICKS


def machine_busy_s() -> float:
    """CPU seconds all cores have spent not idle since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS


@dataclass
class CpuUse:
    server: float
    generator: float
    machine: float

    @classmethod
    def start(cls, pid: int) -> CpuUse:
        me = os.times()
        return cls(process_cpu_s(pid), me.user + me.system, machine_busy_s())

    def since(self, pid: int) -> CpuUse:
        now = CpuUse.start(pid)
        return CpuUse(
            now.server - self.server, now.generator - self.generator, now.machine - self.machine
        )


# -- the report ------------------------------------------------------------------------
def report(
    tallies: dict[str, Tally], wall: float, cpu: CpuUse, cores: int, p95_goal: float
) -> bool:
    width = max(len(name) for name in tallies) + 2
    head = f"{'endpoint':<{width}}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
    print(f"\n{head}{'max ms':>9}{'KB avg':>9}{'errors':>8}")
    every = Tally()
    for name, tally in [*tallies.items(), ("total", every)]:
        if name == "total":
            print("-" * (width + 61))
        else:
            every.times_ms += tally.times_ms
            every.size += tally.size
            every.sent += tally.sent
            every.errors += tally.errors
        times = tally.times_ms
        count = len(times)
        top = max(times) if times else float("nan")
        kb = tally.size / count / 1024 if count else float("nan")
        print(
            f"{name:<{width}}{count:>9}{count / wall:>8.1f}{percentile(times, 0.5):>9.0f}"
            f"{percentile(times, 0.95):>9.0f}{top:>9.0f}{kb:>9.1f}{sum(tally.errors.values()):>8}"
        )
    for name, tally in tallies.items():
        for trouble, n in tally.errors.most_common(3):
            print(f"  ! {name}: {n} x {trouble}")

    share = 100 / wall
    other = max(0.0, cpu.machine - cpu.server - cpu.generator)
    print(
        f"\nCPU over {wall:.1f} s ({cores} cores = {cores * 100}%): server "
        f"{cpu.server * share:.0f}%, this load generator {cpu.generator * share:.0f}%, "
        f"everything else {other * share:.0f}%"
    )
    if every.sent:
        print(
            f"CPU a request sent ({every.sent}, {len(every.times_ms)} answered): server "
            f"{cpu.server / every.sent * 1000:.1f} ms, load generator "
            f"{cpu.generator / every.sent * 1000:.2f} ms; "
            f"{every.size / wall / 2**20:.1f} MB/s received"
        )
    if other * share > BUSY_ELSEWHERE:
        print(
            f"  ! other processes used {other * share:.0f}% of the CPU during the load: the "
            "latencies are not those of a quiet machine; compare CPU a request, or run again"
        )

    errors = sum(every.errors.values())
    p95 = percentile(every.times_ms, 0.95)
    no_errors = errors == 0
    fast = bool(every.times_ms) and p95 < p95_goal
    print(f"\ngoal: no errors                   {errors:>7}      {'PASS' if no_errors else 'FAIL'}")
    print(f"goal: p95 of all under {p95_goal:g} ms  {p95:>7.0f} ms   {'PASS' if fast else 'FAIL'}")
    ok = no_errors and fast
    print("\nPASS" if ok else "\nFAIL")
    return ok


# -- main ------------------------------------------------------------------------------
class Overtime(Exception):
    pass


def on_alarm(_signum: int, _frame: object) -> None:
    raise Overtime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load (30)")
    parser.add_argument("--timeout", type=float, default=10, help="per request, s (10)")
    parser.add_argument("--entries", type=int, default=10_000, help="diary size (10000)")
    parser.add_argument("--years", type=int, default=10, help="generated history (10)")
    parser.add_argument(
        "--crowded-nights",
        type=int,
        default=4,
        help="nights sharing the rest (4); 0: the generated history alone",
    )
    parser.add_argument(
        "--p95-goal", type=float, default=1000, help="goal for the p95 of all, ms (1000)"
    )
    parser.add_argument("--cap", type=float, default=600, help="hard cap on the whole run, s")
    parser.add_argument(
        "--src", type=Path, help="serve from this source tree (e.g. a worktree's src/)"
    )
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 200 and 1 <= args.duration <= 300):
        parser.error("--clients must be 1..200 and --duration 1..300 s (a bounded load)")
    if not (0.1 <= args.timeout <= 60 and args.cap >= args.duration + args.timeout + 30):
        parser.error("--timeout must be 0.1..60 s and --cap at least duration + timeout + 30")
    if not (1 <= args.years <= 50 and 0 <= args.crowded_nights <= 20):
        parser.error("--years must be 1..50 and --crowded-nights 0..20")
    if args.src is not None and not (args.src / "crampcoach").is_dir():
        parser.error(f"--src {args.src}: no crampcoach package there (give the src/ folder)")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.cap))
    try:
        return bench(args)
    except Overtime:
        print(f"\n{LABEL}: FAIL: stopped by the {args.cap:g} s cap", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)


def bench(args: argparse.Namespace) -> int:
    end = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=2)
    diary = build_diary(args.entries, args.years, args.crowded_nights, end)
    crowded = ", ".join(f"{night} ({n})" for night, n in diary.crowded.items())
    print(
        f"{LABEL}: {len(diary.content.episodes)} entries: {diary.generated} generated over "
        f"{args.years} years to {end}, the rest on crowded nights {crowded or '(none)'}"
    )
    rng = random.Random(LOAD_SEED)
    ids = [e.id for e in rng.sample(diary.content.episodes, min(500, len(diary.content.episodes)))]
    plan = endpoints(diary, ids)
    cores = os.cpu_count() or 1
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None

    with tempfile.TemporaryDirectory(prefix="crampcoach-load-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        print(f"{LABEL}: server code from {package_file(data_dir, args.src)}")
        started = time.monotonic()
        import_history(data_dir, diary.content, label=LABEL, src=args.src)
        print(f"{LABEL}: imported in {time.monotonic() - started:.1f} s", flush=True)
        with server(data_dir, label=LABEL, src=args.src) as running:
            print(f"{LABEL}: server pid {running.pid} at {running.url}", flush=True)
            with asyncio.Runner(loop_factory=loop_factory) as runner:
                try:
                    result = runner.run(measure(running, plan, args))
                except asyncio.CancelledError:
                    raise Overtime from None
            log = (data_dir / "serve.log").read_text(errors="replace")
        tallies, wall, cpu, troubles = result
    for trouble in troubles:
        print(f"  ! warm-up: {trouble}")
    print(
        f"\n{args.clients} clients, {args.duration:g} s, no think time, on {HOST}; "
        f"timeout {args.timeout:g} s a request; generator on "
        f"{'uvloop' if loop_factory else 'asyncio'} streams"
    )
    ok = report(tallies, wall, cpu, cores, args.p95_goal)
    if "Traceback" in log:
        print(f"\nserver log (last lines):\n{''.join(log.splitlines(True)[-20:])}")
    return 0 if ok else 1


async def measure(
    running: Running, plan: list[Endpoint], args: argparse.Namespace
) -> tuple[dict[str, Tally], float, CpuUse, list[str]]:
    # The cap's SIGALRM cancels this task: an exception raised by a signal handler
    # inside the event loop would only be logged.
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGALRM, task.cancel)
    try:
        troubles = await warm_up(running.url, plan, args.timeout)
        before = CpuUse.start(running.pid)
        tallies, wall = await run_load(running.url, plan, args.clients, args.duration, args.timeout)
        return tallies, wall, before.since(running.pid), troubles
    finally:
        loop.remove_signal_handler(signal.SIGALRM)
        signal.signal(signal.SIGALRM, on_alarm)


if __name__ == "__main__":
    sys.exit(main())
