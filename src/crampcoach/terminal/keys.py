"""Read single key presses from the terminal without blocking (cbreak mode)."""

from __future__ import annotations

import os
import re
import select
import sys
import termios
import tty
from types import TracebackType

# What special keys send: CSI (arrows ESC [ B, Home, Page Down ESC [ 6 ~), SS3 (F1-F4
# ESC O Q, arrows in application mode ESC O B) and Alt+key (ESC x). Their last letters must
# not be read as commands: ESC [ B (down arrow) is not "b back", ESC O Q (F2) is not "q quit".
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|O[\x20-\x7e]|[^\[O])", re.DOTALL)
# A sequence cut off at the end of a read (the rest is still on its way), or a lone Esc.
_PARTIAL_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|O)?\Z")
_ESCAPE_WAIT_S = 0.05  # how long to wait for the rest of a cut-off sequence


def without_escapes(typed: str) -> str:
    """The plain characters typed, with special keys' escape sequences (even cut off) removed."""
    return _PARTIAL_ESCAPE.sub("", _ESCAPE.sub("", typed))


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
        """Whatever was typed within ``timeout`` seconds ('' when nothing was); special keys
        (arrows, function keys) are left out."""
        ready, _, _ = select.select([self._fd], [], [], max(timeout, 0.0))
        if not ready:
            return ""
        typed = self._read_some()
        while (
            _PARTIAL_ESCAPE.search(typed) and select.select([self._fd], [], [], _ESCAPE_WAIT_S)[0]
        ):
            typed += self._read_some()
        return without_escapes(typed)

    def _read_some(self) -> str:
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
