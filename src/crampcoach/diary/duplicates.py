"""A likely duplicate: the same leg within ten minutes. At 3 a.m. a person may log the
same cramp twice (once on the phone, once again in the morning); two cramps of the same
leg within ten minutes are more often one cramp logged twice than two cramps, so the
doors ask before saving the second (the CLI's --yes, the form's "save it anyway").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from crampcoach.diary.models import Episode
from crampcoach.errors import DiaryError

DUPLICATE_WINDOW = timedelta(minutes=10)


def legs_overlap(a: str, b: str) -> bool:
    return a == b or "both" in (a, b)


def likely_duplicate(leg: str, started_at: datetime, entries: Iterable[Episode]) -> Episode | None:
    """The closest live entry of an overlapping leg within DUPLICATE_WINDOW, if any."""
    near = [
        e
        for e in entries
        if e.deleted_at is None
        and legs_overlap(e.leg, leg)
        and abs(e.started_at - started_at) <= DUPLICATE_WINDOW
    ]
    return min(near, key=lambda e: abs(e.started_at - started_at), default=None)


class LikelyDuplicate(DiaryError):
    """The entry looks like one already logged; saved only when the person says so."""

    def __init__(self, earlier: Episode, started_at: datetime) -> None:
        minutes = round(abs((earlier.started_at - started_at).total_seconds()) / 60)
        side = "before" if earlier.started_at <= started_at else "after"
        gap = "at the same time" if minutes == 0 else f"{minutes} min {side} this one"
        super().__init__(
            f"a {earlier.leg} leg cramp is already logged at "
            f"{earlier.started_at:%H:%M}, {gap}; if this is another cramp, save it anyway",
            field="at",
        )
        self.earlier = earlier
