"""The diary page's filters (from, to, leg, min_severity), read from the query string
as typed: the last 30 nights unless told otherwise; bad values are errors by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlencode

from crampcoach.diary.models import LEGS, EpisodeFilter

DEFAULT_NIGHTS = 30
NAMES = ("from", "to", "leg", "min_severity")


@dataclass
class Filters:
    values: dict[str, str]  # as typed, for the form
    errors: dict[str, str] = field(default_factory=dict)
    where: EpisodeFilter = field(default_factory=EpisodeFilter)

    @property
    def query(self) -> str:
        """The query string of the filters as given (kept across a delete or undo)."""
        return urlencode({k: v for k, v in self.values.items() if v})


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def read_filters(raw: dict[str, str | None], *, tonight: date) -> Filters:
    values = {name: (raw.get(name) or "").strip()[:40] for name in NAMES}
    filters = Filters(values)
    errors = filters.errors
    night_from = night_to = None
    if values["from"]:
        night_from = _date(values["from"])
        if night_from is None:
            errors["from"] = "Give a date like 2026-11-01."
    if values["to"]:
        night_to = _date(values["to"])
        if night_to is None:
            errors["to"] = "Give a date like 2026-11-30."
    if not values["from"] and not values["to"]:
        night_from = tonight - timedelta(days=DEFAULT_NIGHTS - 1)
    if night_from and night_to and night_to < night_from:
        errors["to"] = "The last night is before the first."
    leg = values["leg"] or None
    if leg is not None and leg not in LEGS:
        errors["leg"] = "Choose left, right or both."
        leg = None
    min_severity = None
    if values["min_severity"]:
        if (
            values["min_severity"].isascii()
            and values["min_severity"].isdigit()
            and int(values["min_severity"]) <= 10
        ):
            min_severity = int(values["min_severity"])
        else:
            errors["min_severity"] = "Give a whole number from 0 to 10."
    if not errors:
        filters.where = EpisodeFilter(
            night_from=night_from, night_to=night_to, leg=leg, min_severity=min_severity
        )
    else:
        filters.where = EpisodeFilter(night_from=tonight - timedelta(days=DEFAULT_NIGHTS - 1))
    return filters


def back_query(text: str) -> str:
    """Only our filter names, re-encoded: safe to append to /diary?."""
    pairs = [(k, v[:40]) for k, v in parse_qsl(text[:400]) if k in NAMES and v]
    return urlencode(pairs)
