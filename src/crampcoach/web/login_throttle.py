"""Login throttling: a password check is expensive on purpose (argon2, 64 MiB, about half a
second), so a flood of wrong passwords must not be able to run many of them.

Two bounds:
- overall: at most `max_checks` password checks run at once (one a core); an attempt
  beyond that is refused at once with "try again in a second", before any hashing;
- per client: after `free_failures` wrong passwords in a row, each further one locks that
  client out for twice as long as the last (from `first_lockout_s` up to
  `max_lockout_s`). While locked out an attempt is refused without a check, so even the
  right password waits: guessing cannot go faster than the lockout allows.

Clients are told apart by address; IPv6 addresses by their /64 network, which one home
or phone usually owns whole. The table is bounded (least recently failed forgotten).
Pure bookkeeping with an injected clock; the route runs the check itself.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Record:
    failures: int = 0
    locked_until: float = 0.0


def client_key(address: str | None) -> str:
    """The key a client's failures are counted under."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class Refused(Exception):
    """An attempt refused before its check; `retry_after_s` says when to try again."""

    def __init__(self, retry_after_s: float, reason: str) -> None:
        super().__init__(reason)
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        self.reason = reason


class LoginThrottle:
    def __init__(
        self,
        *,
        max_checks: int = 2,
        free_failures: int = 5,
        first_lockout_s: float = 2.0,
        max_lockout_s: float = 15 * 60.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_checks = max_checks
        self.free_failures = free_failures
        self.first_lockout_s = first_lockout_s
        self.max_lockout_s = max_lockout_s
        self.max_clients = max_clients
        self.clock = clock
        self._running = 0
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def begin(self, client: str) -> None:
        """Reserve a check for `client`, or raise Refused. Pair with `end`."""
        with self._lock:
            record = self._records.get(client)
            wait = (record.locked_until - self.clock()) if record else 0.0
            if wait > 0:
                raise Refused(wait, "too many wrong passwords from this device")
            if self._running >= self.max_checks:
                raise Refused(1, "too many logins at once")
            self._running += 1

    def end(self, client: str, *, success: bool) -> None:
        """Release the check and count its outcome."""
        with self._lock:
            self._running -= 1
            if success:
                self._records.pop(client, None)
                return
            record = self._records.pop(client, None) or _Record()
            record.failures += 1
            beyond = record.failures - self.free_failures
            if beyond > 0:
                doubled = self.first_lockout_s * 2 ** min(beyond - 1, 40)
                lockout = min(doubled, self.max_lockout_s)
                record.locked_until = self.clock() + lockout
            self._records[client] = record  # most recently failed last
            while len(self._records) > self.max_clients:
                self._records.popitem(last=False)

    def failures(self, client: str) -> int:
        with self._lock:
            record = self._records.get(client)
            return record.failures if record else 0
