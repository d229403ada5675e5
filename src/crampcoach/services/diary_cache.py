"""Views worked out from the diary, kept until it changes.

A page that summarises the diary (Insights, Today) need not work it out again for every
request: the diary has a version that every write raises, from any process
(read with the zone and preferences in one query: `services.diary.standing`), and
what a page shows depends on that and on which night is tonight.
So a view is kept against (database, version, tonight) and a repeated page costs one
small query.

One request at a time works a new view out. While it does, others are given the
previous view when there is one (a view a moment old, not a wait behind the
computation); with none yet, they wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from typing import Generic, TypeVar

from crampcoach.diary.night import night_in_zone
from crampcoach.services.diary import standing, user_zone
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store.profile import Standing

V = TypeVar("V")


class DiaryCache(Generic[V]):
    """`compute(store, now)`'s view, kept against the diary's version and tonight's date."""

    def __init__(self, compute: Callable[[Store, datetime], V]) -> None:
        self._compute = compute
        self._key: tuple[str, int, date] | None = None
        self._view: V | None = None
        self._working = threading.Lock()

    def view(
        self, store: Store, *, now: datetime | None = None, known: Standing | None = None
    ) -> V:
        now = now or utc_now()
        known = known or standing(store)
        key = (store.url, known.version, night_in_zone(now, user_zone(store, known)))
        if key == self._key and self._view is not None:
            return self._view
        if self._view is not None and self._key is not None and self._key[0] == store.url:
            if not self._working.acquire(blocking=False):
                return self._view  # being worked out: the last one meanwhile
        else:
            self._working.acquire()
        try:
            if key != self._key or self._view is None:
                self._view = self._compute(store, now)
                self._key = key
            return self._view
        finally:
            self._working.release()
