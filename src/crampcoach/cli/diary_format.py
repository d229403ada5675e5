"""How diary entries look in the terminal: one line, or a table of nights."""

from __future__ import annotations

from rich.table import Table

from crampcoach.diary.models import Episode
from crampcoach.diary.text import minutes_text
from crampcoach.services.diary import Night

SHORT_ID = 8


def one_line(episode: Episode) -> str:
    local = episode.started_at
    extra = f", helped: {', '.join(episode.helped)}" if episode.helped else ""
    return (
        f"{episode.id[:SHORT_ID]}  {local:%Y-%m-%d %H:%M} ({episode.zone}), night of "
        f"{episode.night}: {episode.leg} {episode.place}, severity {episode.severity}, "
        f"{minutes_text(episode.duration_s)} min{extra}"
    )


def nights_table(nights: list[Night]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("night", "time", "id", "leg", "where", "sev", "min", "woke", "helped", "tags"):
        table.add_column(
            column,
            justify="right" if column in ("sev", "min") else "left",
            no_wrap=column in ("night", "time", "id"),
        )
    for night in nights:
        for position, episode in enumerate(night.episodes):
            table.add_row(
                f"{night.night:%a %Y-%m-%d}" if position == 0 else "",
                f"{episode.started_at:%H:%M}",
                episode.id[:SHORT_ID],
                episode.leg,
                episode.place,
                str(episode.severity),
                minutes_text(episode.duration_s),
                "yes" if episode.woke else "no",
                ", ".join(episode.helped),
                ", ".join(episode.tags),
            )
    return table
