"""Spoken cues. The terminal coach uses espeak-ng; the browser uses its own speech."""

from crampcoach.voice.espeak import EspeakVoice, SilentVoice, Voice, choose_voice

__all__ = ["EspeakVoice", "SilentVoice", "Voice", "choose_voice"]
