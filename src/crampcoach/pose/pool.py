"""A few pose models lent to live camera sessions in turn, each on a thread of its own.

Making a MediaPipe model for every camera session, on a new thread for every session,
let a server's memory climb from about 120 MB to about 1.2 GB over 200 sessions (four at
a time) and never come down: each session built a graph anew, and glibc keeps the pages
that threads freed in per-thread malloc arenas (benchmarks/bench_live.py --sessions).
Here at most `size` models exist, one per camera that may be coached at once, each owned
by one `PoseWorker` thread that lives as long as the pool. A session leases a worker;
when it is given back its model is reset (it forgets the person it tracked) and kept for
the next session, and free heap pages are handed back to the system (malloc_trim: about
300 MB less with four cameras). A model nobody leased for `idle_close_s` seconds is
closed, and its memory handed back too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import cache
from typing import Any, TypeVar

from crampcoach.pose.jpeg import LIVE_MAX_SIDE
from crampcoach.pose.live import LivePose, PoseFactory, default_pose_factory

log = logging.getLogger("crampcoach.pose")
T = TypeVar("T")
IDLE_CLOSE_S = 120.0  # a camera turned off and on again, a page reloaded: the model waits
_Job = tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None
    return trim  # glibc only; musl, macOS and Windows have none


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim: every arena,
    not only the top of the main heap). Elsewhere, nothing."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class PoolBusy(RuntimeError):
    """Every pose model of the pool is lent out."""


class PoseWorker:
    """One long-lived thread that owns one `LivePose`: every call on the model runs here."""

    def __init__(
        self,
        factory: PoseFactory,
        *,
        name: str,
        idle_close_s: float,
        trim: Callable[[], None],
        max_side: int,
    ) -> None:
        self.pose = LivePose(factory, max_side=max_side)
        self.leased = False  # set and cleared by the pool, under its lock
        self._idle_close_s = idle_close_s
        self._trim = trim
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run `fn(*args)` on this worker's thread, after the calls submitted before it."""
        future: Future[T] = Future()
        self._jobs.put((future, fn, args))
        return future

    def end_session(self) -> None:
        """(On the worker's thread.) Ready the model for the next session, free memory."""
        try:
            self.pose.reset()
        finally:
            self._trim()

    def stop(self) -> None:
        self._jobs.put(None)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _serve(self) -> None:
        while True:
            idle = self.pose.is_open and not self.leased
            try:
                job = self._jobs.get(timeout=self._idle_close_s if idle else None)
            except queue.Empty:
                if not self.leased:
                    self._quietly(self._close_model)
                continue
            if job is None:
                self._quietly(self._close_model)
                return
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # handed to whoever waits for it
                future.set_exception(exc)
            else:
                future.set_result(result)

    def _close_model(self) -> None:
        if self.pose.is_open:
            self.pose.close()
            self._trim()

    @staticmethod
    def _quietly(action: Callable[[], None]) -> None:
        try:
            action()
        except Exception:  # closing must never end the worker
            log.exception("closing an idle pose model failed")


class PosePool:
    """At most `size` pose models on `size` threads, made only when a session needs one."""

    def __init__(
        self,
        factory: PoseFactory = default_pose_factory,
        *,
        size: int,
        idle_close_s: float = IDLE_CLOSE_S,
        trim: Callable[[], None] = release_free_memory,
        max_side: int = LIVE_MAX_SIDE,
    ) -> None:
        if size < 1:
            raise ValueError("a pose pool needs room for at least one model")
        self.size = size
        self._factory = factory
        self._idle_close_s = idle_close_s
        self._trim = trim
        self._max_side = max_side
        self._lock = threading.Lock()
        self._workers: list[PoseWorker] = []

    def lease(self) -> PoseWorker:
        """A worker for one session, its model warm when one is; PoolBusy when all are
        lent out. Give it back with `give_back`."""
        with self._lock:
            free = [w for w in self._workers if not w.leased]
            if free:
                worker = max(free, key=lambda w: w.pose.is_open)  # a warm model first
            elif len(self._workers) < self.size:
                worker = PoseWorker(
                    self._factory,
                    name=f"crampcoach-pose-{len(self._workers) + 1}",
                    idle_close_s=self._idle_close_s,
                    trim=self._trim,
                    max_side=self._max_side,
                )
                self._workers.append(worker)
            else:
                raise PoolBusy(f"all {self.size} pose models are in use")
            worker.leased = True
            return worker

    def give_back(self, worker: PoseWorker) -> Future[None]:
        """The session is over: its model is reset on its thread (done when the future is)."""
        with self._lock:
            worker.leased = False
        return worker.submit(worker.end_session)

    @property
    def threads(self) -> int:
        """Worker threads made so far (never more than `size`)."""
        with self._lock:
            return sum(w.alive for w in self._workers)

    @property
    def open_models(self) -> int:
        """Pose models open now (a snapshot: workers open and close them)."""
        with self._lock:
            return sum(w.pose.is_open for w in self._workers)

    def close(self, timeout: float = 10.0) -> None:
        """Close every model and end every thread (waiting up to `timeout` for each)."""
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.join(timeout)
