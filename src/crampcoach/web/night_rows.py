"""The diary's list of nights as ready-to-show rows: formatting done once in Python, so
the template only places text (a year of entries renders in a few milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass

from crampcoach.diary.models import Episode
from crampcoach.diary.text import minutes_text
from crampcoach.plurals import count_of
from crampcoach.services.diary import Night


@dataclass(frozen=True)
class EpisodeRow:
    id: str
    time: str  # 23:40
    iso: str
    label: str  # "23:40 on Tue 24 Nov", for the buttons' accessible names
    leg: str
    place: str
    severity: int
    severity_class: str
    minutes: str
    helped: str
    woke: bool
    tags: tuple[str, ...]
    notes: str


@dataclass(frozen=True)
class NightRows:
    title: str  # "Night of Tue 24 Nov 2026"
    count: str  # "1 cramp"
    rows: list[EpisodeRow]


def _severity_class(severity: int) -> str:
    return "sev-high" if severity >= 7 else "sev-mid" if severity >= 4 else "sev-low"


def episode_row(episode: Episode) -> EpisodeRow:
    at = episode.started_at
    time = at.strftime("%H:%M")
    return EpisodeRow(
        id=episode.id,
        time=time,
        iso=at.isoformat(),
        label=f"{time} on {at.strftime('%a %d %b')}",
        leg=episode.leg.capitalize(),
        place=episode.place.capitalize(),
        severity=episode.severity,
        severity_class=_severity_class(episode.severity),
        minutes=minutes_text(episode.duration_s),
        helped=", ".join(episode.helped) if episode.helped else "—",
        woke=episode.woke,
        tags=tuple(episode.tags),
        notes=episode.notes or "",
    )


def night_rows(nights: list[Night]) -> list[NightRows]:
    return [
        NightRows(
            title=f"Night of {n.night.strftime('%a %d %b %Y')}",
            count=count_of(len(n.episodes), "cramp"),
            rows=[episode_row(e) for e in n.episodes],
        )
        for n in nights
    ]
