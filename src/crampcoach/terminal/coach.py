"""The terminal coach's run loop: play a timeline in real (or compressed) time.

Two faces over one loop: a full-screen live display when stdout is a terminal, and
plain timestamped lines otherwise (pipes, logs, tests). The player decides what is
due; this loop only waits, reads keys, shows, speaks and logs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from rich.console import Console, RenderableType
from rich.live import Live

from crampcoach.session import Event, SessionPlayer, SessionRecord, Timeline
from crampcoach.terminal.display import WAITING_PROMPT, clock_text, render, step_title, summary
from crampcoach.voice import Voice

REFRESH_S = 0.25  # the countdown on screen moves at least this often (wall seconds)


class Keys(Protocol):
    def read(self, timeout: float) -> str: ...


class _CueLog:
    """Optional JSON-lines log of when each cue was due and when it was shown (benchmarks)."""

    def __init__(self, path: Path | None, speed: float) -> None:
        self._file: IO[str] | None = path.open("w", encoding="utf-8") if path else None
        self._speed = speed

    def write(self, event: Event, shown_active_s: float) -> None:
        if self._file is None or event.cue is None:
            return
        late_ms = (shown_active_s - event.due_s) / self._speed * 1000
        entry = {
            "text": event.cue.text,
            "kind": event.cue.kind,
            "due_s": round(event.due_s, 4),
            "late_ms": round(late_ms, 3),
        }
        self._file.write(json.dumps(entry) + "\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class TerminalCoach:
    def __init__(
        self,
        timeline: Timeline,
        *,
        console: Console,
        voice: Voice,
        keys: Keys,
        speed: float = 1.0,
        live: bool = True,
        auto_confirm: bool = False,
        notice: str | None = None,
        long_cramp: str = "",
        cue_log: Path | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeline = timeline
        self.console = console
        self.voice = voice
        self.keys = keys
        self.speed = speed
        self.live = live
        self.notice = notice
        self.long_cramp = long_cramp  # what to do when a cramp lasts over 10 minutes
        self._monotonic = monotonic
        self.player = SessionPlayer(
            timeline, clock=lambda: monotonic() * speed, auto_confirm=auto_confirm
        )
        self._last_cue = ""
        self._last_exercise: str | None = None
        self._log = _CueLog(cue_log, speed)

    # -- showing ----------------------------------------------------------------------
    def _show(self, events: list[Event], view: Live | None) -> None:
        if not events:
            return
        for event in events:
            if event.kind == "cue" and event.cue is not None:
                self._last_cue = event.cue.text
                if event.cue.say:
                    self.voice.say(event.cue.say)
            if view is None:
                self._print_line(event)
        if view is not None:
            view.update(self._frame(), refresh=True)
        shown = self.player.active_time()
        for event in events:
            self._log.write(event, shown)

    def _print_line(self, event: Event) -> None:
        stamp = f"[{clock_text(event.due_s)}]"
        if event.kind == "step" and event.step is not None:
            step = event.step
            detail = ""
            if step.kind != "rest" and step.exercise_id != self._last_exercise:
                detail = f" · {step.instruction}"  # instructions once per exercise
                self._last_exercise = step.exercise_id
            self.console.print(
                f"{stamp} ▶ {step_title(step)}{detail}", highlight=False, soft_wrap=True
            )
        elif event.kind == "cue" and event.cue is not None and event.step is not None:
            if event.cue.kind == "start" and event.step.kind != "confirm":
                return  # the step line above already says it
            self.console.print(f"{stamp}   {event.cue.text}", highlight=False, soft_wrap=True)
        elif event.kind == "waiting":
            self.console.print(f"{stamp}   {WAITING_PROMPT}", highlight=False, soft_wrap=True)

    def _frame(self) -> RenderableType:
        return render(
            self.player.state(),
            self.timeline,
            last_cue=self._last_cue,
            notice=self.notice,
            speed=self.speed,
            long_cramp=self.long_cramp,
        )

    # -- keys ---------------------------------------------------------------------------
    def _on_keys(self, typed: str) -> list[Event]:
        events: list[Event] = []
        for key in typed:
            step = self.player.current
            if key == " ":
                self.player.toggle_pause()
            elif key in "nN\r\n" and step is not None and step.kind == "confirm":
                events += self.player.confirm()
            elif key in "nN":
                events += self.player.next()
            elif key in "bB":
                events += self.player.back()
            elif key in "qQ":
                events += self.player.stop()
            if self.player.finished:
                break
        return events

    # -- the loop -----------------------------------------------------------------------
    def run(self) -> SessionRecord:
        started_at = datetime.now(UTC)
        view: Live | None = None
        if self.live:
            view = Live(
                self._frame(), console=self.console, screen=True, auto_refresh=False, transient=True
            )
            view.start()
        elif self.notice:
            self.console.print(self.notice, highlight=False)
        try:
            self._show(self.player.start(), view)
            self._loop(view)
        except KeyboardInterrupt:
            self._show(self.player.stop(), view)
        finally:
            if view is not None:
                view.stop()
            self.voice.close()
            self._log.close()
        return self.player.record(started_at=started_at, ended_at=datetime.now(UTC))

    def _loop(self, view: Live | None) -> None:
        last_frame = self._monotonic()
        while not self.player.finished:
            due = self.player.next_due_in()
            wait = REFRESH_S if due is None else min(REFRESH_S, due / self.speed)
            try:
                typed = self.keys.read(wait)
            except EOFError:
                typed = "q"
            events = self._on_keys(typed) if typed else []
            events += self.player.tick()
            if events or typed:
                self._show(events, view)
                if view is not None and not events:
                    view.update(self._frame(), refresh=True)
                last_frame = self._monotonic()
            elif view is not None and self._monotonic() - last_frame >= REFRESH_S:
                view.update(self._frame(), refresh=True)
                last_frame = self._monotonic()

    def print_summary(self, record: SessionRecord) -> None:
        self.console.print(summary(record))
