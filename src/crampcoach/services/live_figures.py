"""Camera figures waiting for their session to be saved, kept in memory only.

A live camera connection puts each finished step's figures here under the key the page
chose for its session; when the page saves the session it names the key, and the figures
are taken (once) into the record. Bounded: the oldest keys go first, and keys not taken
within a day are forgotten. Thread-safe (the socket and the save run on different threads).
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from crampcoach.session.record import CameraFigures

MAX_SESSIONS = 64
MAX_AGE_S = 24 * 3600.0
KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
_KEY = re.compile(KEY_PATTERN)


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


class FigureBook:
    def __init__(
        self,
        *,
        max_sessions: int = MAX_SESSIONS,
        max_age_s: float = MAX_AGE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_sessions = max_sessions
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._books: OrderedDict[str, tuple[float, dict[int, CameraFigures]]] = OrderedDict()

    def put(self, key: str, index: int, figures: CameraFigures) -> None:
        if not valid_key(key):
            raise ValueError("a camera session key is 16 to 64 letters, digits, - or _")
        with self._lock:
            self._forget_old()
            _, steps = self._books.pop(key, (0.0, {}))
            steps[index] = figures
            self._books[key] = (self._clock(), steps)
            while len(self._books) > self._max_sessions:
                self._books.popitem(last=False)

    def take(self, key: str) -> dict[int, CameraFigures]:
        """The figures kept under `key` (removed), or {} when there are none."""
        with self._lock:
            self._forget_old()
            _, steps = self._books.pop(key, (0.0, {}))
            return steps

    def __len__(self) -> int:
        with self._lock:
            return len(self._books)

    def _forget_old(self) -> None:
        cutoff = self._clock() - self._max_age_s
        while self._books and next(iter(self._books.values()))[0] < cutoff:
            self._books.popitem(last=False)
