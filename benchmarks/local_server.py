"""The real `crampcoach serve` on loopback over a temporary diary, for the web benchmarks.

Shared by bench_web.py and bench_load.py: a free loopback port, the environment that
points crampcoach at a temporary data directory (and, with `src`, at another source
tree such as a git worktree of an older commit), importing a generated history with
`crampcoach import`, the server as a context manager, and the small helpers both
benchmarks need (a cramp to POST, percentiles).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from crampcoach.export.diary_json import DiaryContent, write_json

HOST = "127.0.0.1"  # loopback only, always
ZONE = "Europe/Amsterdam"


@dataclass(frozen=True)
class Running:
    url: str
    pid: int


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def crampcoach_env(data_dir: Path, src: Path | None = None) -> dict[str, str]:
    """This environment without CRAMPCOACH_* settings, data in `data_dir`; with `src`,
    the package is imported from that source tree instead of the installed one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRAMPCOACH_")}
    env.update(CRAMPCOACH_DATA_DIR=str(data_dir), TZ=ZONE)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    return env


def package_file(data_dir: Path, src: Path | None = None) -> str:
    """Where the server's `crampcoach` package comes from (to print it)."""
    done = subprocess.run(
        [sys.executable, "-c", "import crampcoach; print(crampcoach.__file__)"],
        env=crampcoach_env(data_dir, src),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout.strip() or done.stderr.strip().splitlines()[-1]


def import_history(
    data_dir: Path,
    content: DiaryContent,
    *,
    label: str,
    src: Path | None = None,
    timeout: float = 600,
) -> None:
    """Write `content` as diary JSON and load it with `crampcoach import`."""
    history = data_dir / "history.json"
    history.write_text(write_json(content), encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "crampcoach", "import", str(history)],
            env=crampcoach_env(data_dir, src),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SystemExit(f"{label}: import did not finish within {timeout:g} s") from None
    if done.returncode != 0:
        raise SystemExit(f"{label}: import failed: {done.stderr.strip()}")


@contextmanager
def server(
    data_dir: Path, *, label: str, src: Path | None = None, start_timeout: float = 30
) -> Iterator[Running]:
    """`crampcoach serve` on a free loopback port, ready (GET /healthz answered) when
    yielded; terminated (killed if need be) on the way out. Its output goes to
    data_dir/serve.log."""
    port = free_port()
    cmd = [sys.executable, "-m", "crampcoach", "serve", "--host", HOST, "--port", str(port)]
    with running(
        cmd,
        port,
        log=data_dir / "serve.log",
        ready="/healthz",
        label=f"{label}: the server",
        env=crampcoach_env(data_dir, src),
        start_timeout=start_timeout,
    ) as started:
        yield started


@contextmanager
def running(
    cmd: list[str],
    port: int,
    *,
    log: Path,
    ready: str,
    label: str,
    env: dict[str, str] | None = None,
    start_timeout: float = 30,
) -> Iterator[Running]:
    """A server process listening on HOST:`port`, yielded once GET `ready` answers 200;
    terminated (killed if need be) on the way out. Its output goes to `log`."""
    with log.open("wb") as sink:
        process = subprocess.Popen(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{label} exited:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}{ready}", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{label} did not start within {start_timeout:g} s")
            time.sleep(0.1)
        yield Running(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def episode_body(i: int) -> dict:
    """The i-th cramp to POST to /api/episodes: a recent night, fields varied by i."""
    at = datetime.now(ZoneInfo(ZONE)).replace(second=0, microsecond=0) - timedelta(minutes=30 + i)
    return {
        "started_at": at.isoformat(),
        "leg": ("left", "right", "both")[i % 3],
        "place": ("calf", "foot", "ankle", "thigh")[i % 4],
        "severity": i % 11,
        "minutes": 2,
        "woke": True,
        "helped": ["stretching"],
        "tags": ["bench"],
        "notes": "benchmark",
    }


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]
