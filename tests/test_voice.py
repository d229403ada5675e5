"""The espeak-ng voice: real process, never blocking, newest cue wins."""

from __future__ import annotations

import shutil
import signal

import pytest

from crampcoach.voice import EspeakVoice, SilentVoice, choose_voice
from unavailable import under_ci

ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(
    ESPEAK is None and not under_ci(),
    reason="espeak-ng is not installed (scripts/test installs it)",
)


def test_voice_off_is_silent_without_notice() -> None:
    voice, notice = choose_voice(False)
    assert isinstance(voice, SilentVoice)
    assert notice is None


def test_missing_espeak_gives_one_line_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    voice, notice = choose_voice(True)
    assert isinstance(voice, SilentVoice)
    assert notice is not None and "espeak-ng" in notice and "\n" not in notice


@needs_espeak
def test_espeak_is_chosen_when_installed() -> None:
    voice, notice = choose_voice(True)
    assert isinstance(voice, EspeakVoice)
    assert notice is None


@needs_espeak
def test_new_cue_cuts_off_the_one_still_speaking() -> None:
    assert ESPEAK is not None
    voice = EspeakVoice(ESPEAK, words_per_minute=80)
    long_text = "Breathe in slowly and deeply, all the way down into your belly. " * 5
    voice.say(long_text)
    first = voice._current
    assert first is not None
    voice.say("Two")
    # say() returned at once and the earlier utterance was ended (SIGTERM), not waited for.
    assert first.wait(timeout=5) == -signal.SIGTERM
    assert voice._current is not first
    voice.close()
    assert voice._current is None


def test_blank_text_starts_nothing() -> None:
    voice = EspeakVoice("/bin/true")
    voice.say("   ")
    assert voice._current is None


def test_a_broken_executable_is_silence_not_a_crash(tmp_path) -> None:
    voice = EspeakVoice(str(tmp_path / "no-such-espeak"))
    voice.say("One")
    assert voice._current is None
    voice.close()
