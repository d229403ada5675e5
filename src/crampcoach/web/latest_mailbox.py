"""A one-slot mailbox: the newest item replaces one not yet taken (backpressure for a
live camera: the consumer always works on the newest frame, stale ones are dropped)."""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

T = TypeVar("T")


class MailboxClosed(Exception):
    """The mailbox was closed and is empty."""


class LatestMailbox(Generic[T]):
    """One producer puts, one consumer takes; never more than one item waits."""

    def __init__(self) -> None:
        self._item: T | None = None
        self._full = False
        self._closed = False
        self._changed = asyncio.Event()

    def put(self, item: T) -> T | None:
        """Leave `item`; returns the item it replaced (dropped, never taken), if any."""
        if self._closed:
            raise MailboxClosed
        replaced = self._item if self._full else None
        self._item, self._full = item, True
        self._changed.set()
        return replaced

    async def take(self) -> T:
        """The item waiting, once there is one; MailboxClosed when closed and empty."""
        while not self._full:
            if self._closed:
                raise MailboxClosed
            self._changed.clear()
            await self._changed.wait()
        item = self._item
        self._item, self._full = None, False
        return item  # type: ignore[return-value]

    def close(self) -> None:
        """No more items; a waiting `take` ends with MailboxClosed (after the last item)."""
        self._closed = True
        self._changed.set()
