"""One live camera WebSocket: frames in, landmarks and coaching out (see live_protocol).

Two tasks share the connection. The receiver parses every message at once: controls are
applied, bad messages answered with an error, and frames left in a one-slot mailbox, so
a frame that waits is replaced by a newer one (and answered "dropped"). The worker takes
the newest frame, runs the pose model on it on the thread of the pose model this
connection leased from the app's pool (the event loop stays free), feeds the landmarks to
the live coach and answers. Nothing queues without bound; frames live in memory only and
are never logged.

Nothing waits forever either (`LiveLimits`): a socket that has not said a valid hello
within `hello_timeout_s` of being accepted, or that sends nothing at all for
`idle_timeout_s` after it, is told why ("unavailable") and closed with code 4408, which
frees its place among the cameras and gives its pose model back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from concurrent.futures import Future
from dataclasses import asdict, dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from crampcoach.errors import RoutineError, UserError
from crampcoach.motion.track import Frame
from crampcoach.pose.jpeg import FrameError
from crampcoach.pose.pool import IDLE_CLOSE_S, PoolBusy, PosePool, PoseWorker
from crampcoach.services.live_coaching import LiveCoach, StepOutcome, camera_exercise
from crampcoach.services.live_figures import FigureBook
from crampcoach.services.routines import builtin_routine
from crampcoach.session.timeline import build_timeline
from crampcoach.web import live_protocol as wire
from crampcoach.web.latest_mailbox import LatestMailbox, MailboxClosed

log = logging.getLogger("crampcoach.live")
POSE_FAILED = "the pose model could not start on this computer; see the server's log"
FRAME_FAILED = "this frame could not be analysed (a server error; see its log)"
BUSY = "the camera coach is busy with other cameras; try again in a moment"
TIMED_OUT = 4408  # close code for a socket that kept silent (HTTP's 408, in the 4xxx range)


@dataclass(frozen=True)
class LiveLimits:
    """How many cameras at once, and how long a camera socket may keep silent.

    `hello_timeout_s`: from accepting the socket to a valid hello, bad messages or not. The
    page sends its hello as soon as the socket opens, so 10 s is generous even for a slow
    phone, and four sockets that never say hello no longer hold every place for good.
    `idle_timeout_s`: after hello, the longest wait for any message. A page with its
    camera on sends several frames a second; one that sends nothing for two minutes is a
    page gone without closing (a phone asleep, a lost network) or a tab whose camera the
    browser paused, and it would hold a place and a pose model. The page shows the reason
    and the camera can be turned on again. Two minutes, not seconds, so a page slowed down
    in the background for a while is not cut off. `model_idle_s`: how long a pose model
    nobody uses is kept warm for the next camera before it is closed.
    """

    max_cameras: int = 4
    hello_timeout_s: float = 10.0
    idle_timeout_s: float = 120.0
    model_idle_s: float = IDLE_CLOSE_S

    def __post_init__(self) -> None:
        if self.max_cameras < 1:
            raise ValueError("max_cameras must be at least 1")
        waits = (self.hello_timeout_s, self.idle_timeout_s, self.model_idle_s)
        if not all(0 < s < math.inf for s in waits):
            raise ValueError("the live camera's time limits must be positive seconds")


class _Silent(Exception):
    """The client sent nothing in time; the message says what was awaited."""


Item = wire.JpegFrame | wire.LandmarkFrame


@dataclass
class LiveStats:
    received: int = 0  # frames accepted (each is analysed or dropped)
    analysed: int = 0
    dropped: int = 0  # replaced by a newer frame before the worker took them
    errors: int = 0  # messages refused and frames that could not be analysed

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class LiveConnection:
    def __init__(
        self,
        socket: WebSocket,
        *,
        pool: PosePool,
        book: FigureBook,
        limits: LiveLimits | None = None,
    ) -> None:
        self.socket = socket
        self.book = book
        self.limits = limits or LiveLimits()
        self.stats = LiveStats()
        self.coach: LiveCoach | None = None
        self.key: str | None = None
        self._pool = pool
        self._pose: PoseWorker | None = None  # leased from the pool for JPEG frames
        self._mailbox: LatestMailbox[tuple[Item, float]] = LatestMailbox()
        self._send_lock = asyncio.Lock()
        self._last_t = -1.0
        self._pose_missing: str | None = None

    # -- the connection's life ----------------------------------------------------------
    async def run(self) -> None:
        await self.socket.accept()
        worker: asyncio.Task[None] | None = None
        try:
            if not await self._handshake():
                return
            worker = asyncio.create_task(self._work())
            await self._receive()
        except WebSocketDisconnect:
            pass
        except _Silent as silent:
            await self._close(str(silent), TIMED_OUT)
        finally:
            await self._shut_down(worker)

    async def _shut_down(self, worker: asyncio.Task[None] | None) -> None:
        """Stop the worker, keep the figures of the step the connection was in (a page that
        went away mid-step still has them saved), give the pose model back to the pool."""
        self._mailbox.close()
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
        try:
            self._keep(self.coach.finish() if self.coach is not None else None)
        except Exception:
            log.exception("the last step's figures could not be settled")
        if self._pose is not None:  # it forgets this person, on its own thread, meanwhile
            pose, self._pose = self._pose, None  # the next camera may lease it at once
            self._pool.give_back(pose).add_done_callback(_log_failure)

    async def _close(self, reason: str, code: int) -> None:
        """Say why, then close (a client may be gone already: nothing to tell then)."""
        async with self._send_lock:  # no answer of the worker's in between
            if self.socket.application_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await self.socket.send_text(wire.unavailable(reason))
                    await self.socket.close(code=code, reason=reason)

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            if self.socket.application_state == WebSocketState.CONNECTED:
                await self.socket.send_text(text)

    async def _next_message(self, within_s: float, silent: str) -> wire.Incoming | None:
        """The next message, parsed; None when it was refused (and answered). _Silent when
        none came within `within_s` seconds."""
        try:
            async with asyncio.timeout(max(within_s, 0.0)):
                message = await self.socket.receive()
        except TimeoutError:
            raise _Silent(silent) from None
        if message["type"] == "websocket.disconnect":
            raise WebSocketDisconnect(message.get("code", 1000))
        try:
            if message.get("bytes") is not None:
                return wire.parse_binary(message["bytes"])
            return wire.parse_text(message.get("text") or "")
        except wire.MessageError as exc:
            self.stats.errors += 1
            await self._send(wire.error(str(exc), exc.frame_id))
            return None

    async def _handshake(self) -> bool:
        """Wait for a valid hello, at most `hello_timeout_s` in all; True once "ready" is
        sent."""
        wait_s = self.limits.hello_timeout_s
        silent = f"no valid hello within {wait_s:g} s"
        deadline = asyncio.get_running_loop().time() + wait_s
        while True:
            left = deadline - asyncio.get_running_loop().time()
            message = await self._next_message(left, silent)
            if message is None:
                continue
            if not isinstance(message, wire.Hello):
                self.stats.errors += 1
                await self._send(wire.error('say "hello" first', _frame_id(message)))
                continue
            try:
                routine = builtin_routine(message.routine)
            except RoutineError as exc:
                await self._send(wire.error(f"hello: routine: {exc}"))
                continue
            timeline = build_timeline(routine, leg=message.leg, tempo_s=message.tempo_s)
            self.coach = LiveCoach(timeline.steps)
            self.key = message.session
            if message.frames == "jpeg" and not await self._open_pose():
                return False
            pose = self._pose is not None and self._pose.pose.is_open
            await self._send(wire.ready(pose=pose, steps=len(timeline.steps)))
            return True

    def _lease(self) -> PoseWorker:
        if self._pose is None:
            self._pose = self._pool.lease()
        return self._pose

    async def _open_pose(self) -> bool:
        try:
            pose = self._lease()
            await asyncio.wrap_future(pose.submit(pose.pose.open))
            return True
        except PoolBusy:
            await self._close(BUSY, 1013)
            return False
        except UserError as exc:  # CameraExtraMissing: the one clear message
            problem = str(exc)
        except Exception:
            log.exception("the pose model could not start")
            problem = POSE_FAILED
        self._pose_missing = problem
        await self._close(problem, 1000)
        return False

    # -- the receiver -------------------------------------------------------------------
    async def _receive(self) -> None:
        wait_s = self.limits.idle_timeout_s
        silent = f"nothing arrived for {wait_s:g} s"
        while True:
            message = await self._next_message(wait_s, silent)
            if message is None:
                continue
            if isinstance(message, wire.JpegFrame | wire.LandmarkFrame):
                await self._accept_frame(message)
            elif isinstance(message, wire.EnterStep):
                await self._enter(message.index)
            elif isinstance(message, wire.Stop):
                await self._stop()
            else:
                self.stats.errors += 1
                await self._send(wire.error("hello was already said"))

    async def _accept_frame(self, item: Item) -> None:
        if item.t < self._last_t:
            self.stats.errors += 1
            await self._send(wire.error("the frame's time went backwards", item.id))
            return
        if isinstance(item, wire.JpegFrame) and self._pose_missing is not None:
            self.stats.errors += 1
            await self._send(wire.error(self._pose_missing, item.id))
            return
        self._last_t = item.t
        self.stats.received += 1
        replaced = self._mailbox.put((item, time.perf_counter()))
        if replaced is not None:
            self.stats.dropped += 1
            await self._send(wire.dropped(replaced[0].id))

    async def _enter(self, index: int) -> None:
        assert self.coach is not None
        try:
            outcome = self.coach.enter(index)
        except ValueError as exc:
            self.stats.errors += 1
            await self._send(wire.error(str(exc)))
            return
        await self._report(outcome)
        step = self.coach.step
        exercise = None if step is None else camera_exercise(step)
        await self._send(wire.step_entered(index, step, exercise))

    async def _stop(self) -> None:
        assert self.coach is not None
        await self._report(self.coach.finish())
        await self._send(wire.stopped(self.coach.figures, self.stats.as_dict()))

    def _keep(self, outcome: StepOutcome | None) -> None:
        if outcome is not None and self.key is not None:
            self.book.put(self.key, outcome.index, outcome.figures)

    async def _report(self, outcome: StepOutcome | None) -> None:
        self._keep(outcome)
        if outcome is not None:
            await self._send(wire.step_figures(outcome))

    # -- the worker ---------------------------------------------------------------------
    async def _work(self) -> None:
        assert self.coach is not None
        while True:
            try:
                item, received = await self._mailbox.take()
            except MailboxClosed:
                return
            try:
                frame = await self._landmarks(item)
                seen = self.coach.observe(frame)
            except (FrameError, UserError) as exc:  # a bad JPEG; no camera extra
                if not isinstance(exc, FrameError):
                    self._pose_missing = str(exc)  # later JPEG frames: refused at once
                self.stats.errors += 1
                await self._send(wire.error(str(exc), item.id))
                continue
            except Exception:  # never the frame itself in the log: only what failed
                log.exception("live frame %d could not be analysed", item.id)
                self.stats.errors += 1
                await self._send(wire.error(FRAME_FAILED, item.id))
                continue
            self.stats.analysed += 1
            took_ms = (time.perf_counter() - received) * 1000
            await self._send(wire.feedback(item.id, seen, self.stats.as_dict(), took_ms))

    async def _landmarks(self, item: Item) -> Frame:
        if isinstance(item, wire.LandmarkFrame):
            return item.frame
        try:
            pose = self._lease()  # a landmark session sending a JPEG frame after all
        except PoolBusy:
            raise FrameError(BUSY) from None
        return await asyncio.wrap_future(pose.submit(pose.pose.estimate_jpeg, item.data, item.t))


def _log_failure(done: Future[None]) -> None:
    if not done.cancelled() and done.exception() is not None:
        log.error("resetting the pose model failed", exc_info=done.exception())


def _frame_id(message: wire.Incoming) -> int | None:
    return message.id if isinstance(message, wire.JpegFrame | wire.LandmarkFrame) else None
