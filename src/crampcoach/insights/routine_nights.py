"""Which nights count as routine nights: a completed preventive session, not a cramp-now one.

A "cramp-now" session is done because a cramp came; counting it would make routine nights
look worse by construction. So only completed sessions of preventive modes count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from crampcoach.diary.sessions import PREVENTIVE_MODES, SavedSession


def preventive_routine_nights(
    sessions: Iterable[SavedSession], *, modes: frozenset[str] = PREVENTIVE_MODES
) -> set[date]:
    """The nights with at least one completed session of a preventive routine."""
    return {s.night for s in sessions if s.record.completed and s.record.mode in modes}
