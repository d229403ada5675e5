"""One-time pairing codes: what the QR code carries to log a phone in.

A code is random (128 bits), works once, and ends after ten minutes; then (or once used)
the next one is made when asked for (the loopback page /phone shows it). Codes live in
the memory of the server that showed them, and are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

PAIRING_LIFETIME_S = 10 * 60
TOKEN_BYTES = 16  # 128 bits
REMEMBERED = 32  # old codes kept to say "used" or "expired" rather than "unknown"

Outcome = Literal["paired", "used", "expired", "unknown"]


@dataclass
class PairingCode:
    token: str
    expires_at: float
    used: bool = False


class PairingTokens:
    def __init__(
        self,
        *,
        lifetime_s: float = PAIRING_LIFETIME_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lifetime_s = lifetime_s
        self.clock = clock
        self._codes: OrderedDict[str, PairingCode] = OrderedDict()
        self._lock = threading.Lock()

    def current(self) -> PairingCode:
        """The code to show: the newest one while it is unused and has time left (at
        least a minute), else a new one."""
        with self._lock:
            newest = next(reversed(self._codes.values()), None)
            if newest and not newest.used and newest.expires_at - self.clock() > 60:
                return newest
            code = PairingCode(secrets.token_urlsafe(TOKEN_BYTES), self.clock() + self.lifetime_s)
            self._codes[code.token] = code
            while len(self._codes) > REMEMBERED:
                self._codes.popitem(last=False)
            return code

    def redeem(self, token: str) -> Outcome:
        """Use `token` up: "paired" the first time within its lifetime, and never again."""
        sent = token.encode("utf-8", "replace")
        with self._lock:
            found = None
            for code in self._codes.values():  # every one compared: no early exit to time
                if hmac.compare_digest(code.token.encode(), sent):
                    found = code
            if found is None:
                return "unknown"
            if found.used:
                return "used"
            if self.clock() >= found.expires_at:
                return "expired"
            found.used = True
            return "paired"
