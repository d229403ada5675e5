"""Where the person lives decides the numbers in the advice: 999 and NHS 111 in the UK,
911 in the US, 112 across the EU, ... (countries.yaml, with its sources). A country with
no entry gets "your local emergency number", never a made-up number.

The country is the profile's, else guessed from its time zone (the IANA zone table says
which country a zone is in). Advice texts carry placeholders filled here:
`{emergency}` ("999", or "your local emergency number") and `{urgent}` (the non-urgent
line or service).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crampcoach.diary.validation import describe
from crampcoach.diary.zones import zone_countries
from crampcoach.safety.errors import RedFlagRulesError
from crampcoach.safety.models import Source
from crampcoach.yaml_text import YAMLError, read_yaml

COUNTRIES_FILE = "countries.yaml"
UNKNOWN_EMERGENCY = "your local emergency number"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HelpEntry(_Strict):
    name: str | None = None
    emergency: str | None = Field(description="The number to call; None: not known here.")
    urgent: str = Field(min_length=5, description="Medical advice today, not an emergency.")
    doctor: str = Field(min_length=5)
    sources: tuple[str, ...] = ()


class HelpBook(_Strict):
    schema_: int = Field(alias="schema")
    version: int
    sources: dict[str, Source]
    unknown: HelpEntry
    eu: HelpEntry
    eu_112: tuple[str, ...]
    countries: dict[str, HelpEntry]


class LocalHelp(_Strict):
    """The help a person can call on where they live."""

    country: str | None  # ISO 3166-1 alpha-2, None when not known
    emergency: str | None
    urgent: str
    doctor: str
    sources: tuple[Source, ...]

    @property
    def emergency_words(self) -> str:
        return self.emergency or UNKNOWN_EMERGENCY

    def fill(self, text: str) -> str:
        """An advice text with its placeholders filled for this place."""
        return text.replace("{emergency}", self.emergency_words).replace("{urgent}", self.urgent)


@cache
def help_book() -> HelpBook:
    text = (resources.files("crampcoach.safety") / COUNTRIES_FILE).read_text(encoding="utf-8")
    try:
        data: Any = read_yaml(text)
        book = HelpBook.model_validate(data)
    except (YAMLError, ValidationError) as exc:
        detail = describe(exc, where=COUNTRIES_FILE) if isinstance(exc, ValidationError) else exc
        raise RedFlagRulesError(f"{COUNTRIES_FILE}: {detail}") from None
    for entry in (book.unknown, book.eu, *book.countries.values()):
        missing = [key for key in entry.sources if key not in book.sources]
        if missing:
            raise RedFlagRulesError(f"{COUNTRIES_FILE}: source {missing[0]!r} is not listed")
    return book


def local_help(country: str | None) -> LocalHelp:
    """The help for an ISO country code (any case); the unknown wording for None or a
    country without an entry."""
    book = help_book()
    code = (country or "").strip().upper() or None
    entry = book.countries.get(code or "")
    if entry is None:
        entry = book.eu if code in book.eu_112 else book.unknown
    known = code if entry is not book.unknown else None
    return LocalHelp(
        country=known,
        emergency=entry.emergency,
        urgent=entry.urgent,
        doctor=entry.doctor,
        sources=tuple(book.sources[key] for key in entry.sources),
    )


def country_for_zone(zone: str | None) -> str | None:
    """The country a time zone is in (Europe/Amsterdam: NL); None for UTC and the like."""
    return zone_countries().get(zone or "")
