"""Diary text: refuse free text a database cannot store (NUL, lone surrogates); show a
duration the same way everywhere."""

from __future__ import annotations


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a character that is not valid Unicode text"
    return None


def storable(value: str) -> str:
    """`value` itself when it can be stored as text, else ValueError (for validators)."""
    problem = unstorable(value)
    if problem:
        raise ValueError(problem)
    return value


UNKNOWN_MINUTES = "?"  # a cramp whose length the person did not know


def minutes_text(duration_s: float | None) -> str:
    """A cramp's duration in minutes as people write it: "3", "0.3", "12.5"; "?" when
    not known."""
    if duration_s is None:
        return UNKNOWN_MINUTES
    minutes = duration_s / 60
    return f"{minutes:.0f}" if minutes == int(minutes) else f"{minutes:.1f}"


def sentence(text: str) -> str:
    """A message as a sentence for a person: trimmed, first letter capital."""
    text = text.strip()
    return text[:1].upper() + text[1:] if text else "This value is not valid."
