"""One live camera WebSocket: frames in, landmarks and coaching out (see live_protocol).

Two tasks share the connection. The receiver parses every message at once: controls are
applied, bad messages answered with an error, and frames left in a one-slot mailbox, so
a frame that waits is replaced by a newer one (and answered "dropped"). The worker takes
the newest frame, runs the pose model on it in this connection's own thread (the event
loop stays free), feeds the landmarks to the live coach and answers. Nothing queues
without bound; frames live in memory only and are never logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from crampcoach.errors import RoutineError, UserError
from crampcoach.motion.track import Frame
from crampcoach.pose.jpeg import FrameError
from crampcoach.pose.live import LivePose, PoseFactory
from crampcoach.services.live_coaching import LiveCoach, StepOutcome, camera_exercise
from crampcoach.services.live_figures import FigureBook
from crampcoach.services.routines import builtin_routine
from crampcoach.session.timeline import build_timeline
from crampcoach.web import live_protocol as wire
from crampcoach.web.latest_mailbox import LatestMailbox, MailboxClosed

log = logging.getLogger("crampcoach.live")
POSE_FAILED = "the pose model could not start on this computer; see the server's log"
FRAME_FAILED = "this frame could not be analysed (a server error; see its log)"

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
    def __init__(self, socket: WebSocket, *, pose_factory: PoseFactory, book: FigureBook) -> None:
        self.socket = socket
        self.book = book
        self.pose = LivePose(pose_factory)
        self.stats = LiveStats()
        self.coach: LiveCoach | None = None
        self.key: str | None = None
        self._mailbox: LatestMailbox[tuple[Item, float]] = LatestMailbox()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crampcoach-pose")
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
        finally:
            await self._shut_down(worker)

    async def _shut_down(self, worker: asyncio.Task[None] | None) -> None:
        """Stop the worker, keep the figures of the step the connection was in (a page that
        went away mid-step still has them saved), free the pose model and its thread."""
        self._mailbox.close()
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker
        try:
            self._keep(self.coach.finish() if self.coach is not None else None)
        except Exception:
            log.exception("the last step's figures could not be settled")
        await self._close_pose()

    async def _close_pose(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self.pose.close)
        except Exception:  # closing must never break the server's shutdown
            log.exception("closing the pose model failed")
        finally:
            self._executor.shutdown(wait=False)

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            if self.socket.application_state == WebSocketState.CONNECTED:
                await self.socket.send_text(text)

    async def _next_message(self) -> wire.Incoming | None:
        """The next message, parsed; None when it was refused (and answered)."""
        message = await self.socket.receive()
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
        """Wait for a valid hello; True once "ready" is sent."""
        while True:
            message = await self._next_message()
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
            await self._send(wire.ready(pose=self.pose.is_open, steps=len(timeline.steps)))
            return True

    async def _open_pose(self) -> bool:
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self.pose.open)
            return True
        except UserError as exc:  # CameraExtraMissing: the one clear message
            problem = str(exc)
        except Exception:
            log.exception("the pose model could not start")
            problem = POSE_FAILED
        self._pose_missing = problem
        await self._send(wire.unavailable(problem))
        await self.socket.close(code=1000)
        return False

    # -- the receiver -------------------------------------------------------------------
    async def _receive(self) -> None:
        while True:
            message = await self._next_message()
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
        loop = asyncio.get_running_loop()
        assert self.coach is not None
        while True:
            try:
                item, received = await self._mailbox.take()
            except MailboxClosed:
                return
            try:
                frame = await self._landmarks(loop, item)
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

    async def _landmarks(self, loop: asyncio.AbstractEventLoop, item: Item) -> Frame:
        if isinstance(item, wire.LandmarkFrame):
            return item.frame
        return await loop.run_in_executor(
            self._executor, self.pose.estimate_jpeg, item.data, item.t
        )


def _frame_id(message: wire.Incoming) -> int | None:
    return message.id if isinstance(message, wire.JpegFrame | wire.LandmarkFrame) else None
