"""The guided-session engine: timelines, the player and the record of what was done."""

from crampcoach.session.player import Event, PlayerState, SessionPlayer
from crampcoach.session.record import SessionRecord, StepRecord
from crampcoach.session.timeline import Cue, Step, Timeline, build_timeline

__all__ = [
    "Cue",
    "Event",
    "PlayerState",
    "SessionPlayer",
    "SessionRecord",
    "Step",
    "StepRecord",
    "Timeline",
    "build_timeline",
]
