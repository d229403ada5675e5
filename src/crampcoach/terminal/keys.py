"""Read single key presses from the terminal without blocking (cbreak mode)."""

from __future__ import annotations

import os
import select
import sys
import termios
import tty
from types import TracebackType


class KeyReader:
    """Keys typed in the terminal, one character at a time; restores the terminal on exit."""

    def __init__(self) -> None:
        self._fd = sys.stdin.fileno()
        self._saved: list | None = None

    def __enter__(self) -> KeyReader:
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)

    def read(self, timeout: float) -> str:
        """Whatever was typed within ``timeout`` seconds ('' when nothing was)."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return ""
        data = os.read(self._fd, 64)
        if not data:
            raise EOFError("the terminal closed")
        return data.decode("utf-8", errors="ignore")


class NoKeys:
    """For --no-input: nothing is ever typed; reading just waits."""

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, timeout: float) -> str:
        if timeout > 0:
            select.select([], [], [], timeout)
        return ""


def stdin_is_terminal() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (OSError, ValueError):
        return False
