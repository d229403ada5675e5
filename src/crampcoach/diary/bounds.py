"""The bounds every way data comes in obeys: the CLI, the web forms, the JSON API and
every importer. One place, so that what one door accepts another cannot refuse, and so
that nothing unbounded reaches a page, a report or the database.

Why these values:
- years 1900 to 2200: wide enough for any real diary, narrow enough that date arithmetic
  (a night, a week, a trial's blocks) can never leave the calendar Python can represent;
- 20 tags of 40 characters, notes of 4,000 characters: a night's story, not a document;
- 50 medicines or conditions of 200 characters: a long prescription list, each line with
  its dose and timing (the doctor's report shows the first lines and how many more);
- 3,650 nights (ten years) for "the last N nights".
"""

from __future__ import annotations

from datetime import date, datetime

EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
EARLIEST_DAY = date(EARLIEST_YEAR, 1, 1)
LATEST_DAY = date(LATEST_YEAR, 12, 31)

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
MAX_NOTES_LENGTH = 4000
MAX_LIST_ITEMS = 50  # medicines, conditions
MAX_ITEM_LENGTH = 200
MAX_ZONE_LENGTH = 64
MAX_ID_LENGTH = 36  # a UUID in its canonical text form
MAX_MINUTES = 120  # a cramp longer than two hours is a typo, or a case for a doctor
MAX_DURATION_S = MAX_MINUTES * 60
MAX_NIGHTS = 3650
MAX_SEVERITY = 10

EXCERPT_CHARS = 40  # how much of a bad value an error message quotes


def excerpt(value: object) -> str:
    """A bad value as an error message quotes it: its repr, cut to a short excerpt so that
    a 5 MB line never becomes a 5 MB message."""
    text = repr(value) if not isinstance(value, int) or isinstance(value, bool) else _int(value)
    if len(text) <= EXCERPT_CHARS:
        return text
    return f"{text[: EXCERPT_CHARS - 1]}… ({len(text):,} characters)"


def _int(value: int) -> str:
    """An int's text without tripping Python's 4,300-digit conversion limit."""
    if value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    return str(value)


def year_problem(value: date | datetime) -> str | None:
    """Why a date is outside the diary's calendar, or None when it is inside."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        return f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}"
    return None
