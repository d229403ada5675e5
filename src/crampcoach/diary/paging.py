"""Paging through the diary newest first, by position rather than by offset: a page
starts just before the (start time, id) of the last entry shown, so a page costs the
same with ten entries or ten thousand, and an entry written meanwhile shifts nothing.

A position travels in a URL as `SECONDS~ID` (UTC seconds since 1970, the entry's id).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from crampcoach.diary.bounds import EARLIEST_YEAR, LATEST_YEAR, excerpt
from crampcoach.errors import DiaryError

PAGE_SIZE = 50  # entries on a page of the diary
MAX_PAGE_SIZE = 1000
_EARLIEST_S = int(datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC).timestamp()) - 86400
_LATEST_S = int(datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC).timestamp()) + 86400


@dataclass(frozen=True)
class PageKey:
    """Where a page ends: the start and id of its oldest entry."""

    started_at: datetime
    id: str

    def text(self) -> str:
        return f"{int(self.started_at.timestamp())}~{self.id}"


def parse_page_key(text: str, *, field: str = "before") -> PageKey:
    """A position from its URL form; DiaryError naming `field` when it is not one."""
    seconds, sep, key = text.strip().partition("~")
    problem = DiaryError(f"not a position in the diary (got {excerpt(text)})", field=field)
    if not sep or len(seconds) > 13 or not seconds.lstrip("-").isdigit() or not seconds.isascii():
        raise problem
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        raise problem from None
    value = int(seconds)
    if not _EARLIEST_S <= value <= _LATEST_S:
        raise problem
    return PageKey(datetime.fromtimestamp(value, UTC), key)
