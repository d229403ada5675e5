"""The guided-session engine: timelines, the player and the record of what was done.

The names below are loaded on first use, so `crampcoach routines` (the timeline only)
does not import the player."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crampcoach.lazy_exports import lazy_exports

_EXPORTS = {
    "Event": "player",
    "PlayerState": "player",
    "SessionPlayer": "player",
    "SessionRecord": "record",
    "StepRecord": "record",
    "Cue": "timeline",
    "Step": "timeline",
    "Timeline": "timeline",
    "build_timeline": "timeline",
}
__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # re-exported (loaded on use by __getattr__ above)
    from crampcoach.session.player import Event, PlayerState, SessionPlayer  # noqa: F401
    from crampcoach.session.record import SessionRecord, StepRecord  # noqa: F401
    from crampcoach.session.timeline import Cue, Step, Timeline, build_timeline  # noqa: F401
