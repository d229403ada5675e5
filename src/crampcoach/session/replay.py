"""Rebuild what was done from a log of commands, through the one SessionPlayer.

A page (or any remote player) shows the timeline the engine built and logs what the
person pressed and when, on its own session clock (routine seconds since start, pauses
included). Replaying that log here gives the record, so counting lives in one place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from crampcoach.session.player import SessionPlayer
from crampcoach.session.record import SessionRecord
from crampcoach.session.timeline import Timeline

CommandName = Literal["pause", "resume", "next", "back", "confirm", "stop", "end"]
COMMANDS: tuple[str, ...] = ("pause", "resume", "next", "back", "confirm", "stop", "end")
MAX_COMMANDS = 5000


@dataclass(frozen=True)
class Command:
    at_s: float  # session clock, routine seconds since the start (pauses included)
    name: CommandName


class ReplayError(ValueError):
    """A command log that cannot have come from a real session."""


def replay(
    timeline: Timeline,
    commands: Sequence[Command],
    *,
    started_at: datetime,
    ended_at: datetime,
    auto_confirm: bool = False,
) -> SessionRecord:
    if len(commands) > MAX_COMMANDS:
        raise ReplayError(f"too many commands ({len(commands)}; at most {MAX_COMMANDS})")
    limit = max(24 * 3600.0, timeline.total_s * 10)
    last = 0.0
    for position, command in enumerate(commands):
        if command.name not in COMMANDS:
            raise ReplayError(f"commands[{position}].name: unknown command {command.name!r}")
        if not math.isfinite(command.at_s) or command.at_s < 0 or command.at_s > limit:
            raise ReplayError(f"commands[{position}].at_s: {command.at_s!r} is out of range")
        if command.at_s + 1e-6 < last:
            raise ReplayError(f"commands[{position}].at_s: times must not go backwards")
        last = max(last, command.at_s)
    now = [0.0]
    player = SessionPlayer(timeline, clock=lambda: now[0], auto_confirm=auto_confirm)
    player.start()
    for command in commands:
        now[0] = command.at_s
        player.tick()
        if player.finished:
            break
        if command.name == "pause":
            player.pause()
        elif command.name == "resume":
            player.resume()
        elif command.name == "next":
            player.next()
        elif command.name == "back":
            player.back()
        elif command.name == "confirm":
            player.confirm()
        elif command.name == "stop":
            player.stop()
    if not player.finished:
        player.stop()  # the log ended without the session finishing: what was done so far
    return player.record(started_at=started_at, ended_at=ended_at)
