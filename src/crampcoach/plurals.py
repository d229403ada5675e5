"""Counted words, the one way: "1 night", "2 nights", "1 entry", "3 entries".

Every sentence that puts a number before a noun says it through `count_of` (the web
templates as the `count` filter), so that no page, report or terminal line says
"1 weeks" or "2 night". Pure: no imports beyond the standard library.
"""

from __future__ import annotations

VOWELS = frozenset("aeiou")


def plural_of(word: str) -> str:
    """The plural of an English noun phrase by its last word: "night" -> "nights",
    "routine night" -> "routine nights", "entry" -> "entries", "day" -> "days"."""
    if len(word) > 1 and word.endswith("y") and word[-2].lower() not in VOWELS:
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def count_of(n: int, word: str, plural: str | None = None) -> str:
    """'1 cramp', '3 cramps', '0 cramps'; `plural` for an irregular one ("1 person",
    "2 people")."""
    return f"{n} {word}" if n == 1 else f"{n} {plural or plural_of(word)}"
