"""Speak cues through espeak-ng without ever blocking the session's timeline."""

from __future__ import annotations

import shutil
import subprocess
from typing import Protocol


class Voice(Protocol):
    def say(self, text: str) -> None: ...

    def close(self) -> None: ...


class SilentVoice:
    def say(self, text: str) -> None:
        return None

    def close(self) -> None:
        return None


class EspeakVoice:
    """Each cue starts a short espeak-ng process and returns at once. A new cue cuts off
    one still speaking, so speech never falls behind the timeline."""

    def __init__(self, executable: str, *, words_per_minute: int = 150) -> None:
        self._executable = executable
        self._wpm = words_per_minute
        self._current: subprocess.Popen[bytes] | None = None

    def say(self, text: str) -> None:
        if not text.strip():
            return
        self._stop_current()
        try:
            self._current = subprocess.Popen(
                [self._executable, "-s", str(self._wpm), "--", text],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._current = None  # a voice that fails is silence, never a crash

    def _stop_current(self) -> None:
        if self._current is not None and self._current.poll() is None:
            self._current.terminate()
        self._current = None

    def close(self) -> None:
        if self._current is not None:
            try:
                self._current.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self._current.kill()
        self._current = None


def choose_voice(enabled: bool) -> tuple[Voice, str | None]:
    """The voice to use and, when the person asked for one we cannot give, a one-line notice."""
    if not enabled:
        return SilentVoice(), None
    executable = shutil.which("espeak-ng") or shutil.which("espeak")
    if executable is None:
        return SilentVoice(), (
            "Voice is off: espeak-ng is not installed (sudo apt install espeak-ng); "
            "cues are shown on screen."
        )
    return EspeakVoice(executable), None
