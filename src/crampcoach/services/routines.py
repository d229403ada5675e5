"""Use cases about routines: list them, describe one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from crampcoach.protocol import list_routines, load_routine
from crampcoach.protocol.loader import load_builtin
from crampcoach.protocol.models import HoldSet, LettersSet, RepsSet, Routine
from crampcoach.session.timeline import DEFAULT_TEMPO_S, build_timeline


@dataclass(frozen=True)
class RoutineEntry:
    name: str
    title: str
    mode: str
    version: int
    summary: str
    minutes: float


@cache  # the shipped routines do not change while the process runs
def routine_catalogue() -> tuple[RoutineEntry, ...]:
    return tuple(
        RoutineEntry(
            r.name,
            r.title,
            r.mode,
            r.version,
            r.summary,
            build_timeline(r, leg="right").total_s / 60,
        )
        for r in list_routines()
    )


def builtin_routine(name: str) -> Routine:
    """A shipped routine by name only (never a path: the web must not read files)."""
    return load_builtin(name)


def _set_line(item: object, tempo: float) -> str:
    if isinstance(item, RepsSet):
        pace = item.tempo_s or tempo
        direction = f", {item.direction}" if item.direction else ""
        return f"{item.label}: {item.reps} reps{direction}, {pace:g} s each"
    if isinstance(item, LettersSet):
        count, per = len(item.letters), item.seconds_per_letter
        return f"{item.label}: {count} letters ({item.letters}), {per:g} s each"
    if isinstance(item, HoldSet):
        span = ""
        if item.min_seconds or item.max_seconds:
            span = f" ({item.min_seconds or item.seconds:g}-{item.max_seconds or item.seconds:g} s)"
        repeats = f", {item.repeats} times with {item.rest_s:g} s rest" if item.repeats > 1 else ""
        breath = ", slow breathing" if item.breathing else ""
        return f"{item.label}: hold {item.seconds:g} s{span}{repeats}{breath}"
    return f"{item.label}: {item.prompt}"  # type: ignore[attr-defined]


def _without_leg(text: str) -> str:
    """Instructions read naturally without a leg chosen: "the {leg} calf" -> "the calf"."""
    return " ".join(text.replace("{leg}", "").split())


def describe_routine(name_or_path: str) -> str:
    """A plain-text (Rich markup) description of a routine for reading before running it."""
    routine: Routine = load_routine(name_or_path)
    minutes = build_timeline(routine, leg="right").total_s / 60
    tempo = DEFAULT_TEMPO_S * routine.tempo_scale
    lines = [
        f"[bold]{routine.title}[/bold]  ({routine.name} v{routine.version}, {routine.mode}, "
        f"about {minutes:.0f} min)",
        routine.summary,
        "",
    ]
    for number, exercise in enumerate(routine.exercises, start=1):
        legs = {"chosen": "your chosen leg", "each": "each leg", "none": "whole body"}[
            exercise.legs
        ]
        lines.append(f"[bold]{number}. {exercise.title}[/bold]  ({legs})")
        lines += [f"   {_without_leg(text)}" for text in exercise.instructions]
        lines += [f"   - {_set_line(item, tempo)}" for item in exercise.sets]
        lines += [f"   [yellow]Safety:[/yellow] {text}" for text in exercise.safety]
        lines.append(f"   [dim]Source: {', '.join(exercise.sources)}[/dim]")
        lines.append("")
    lines.append("[bold]Sources[/bold]")
    for key, source in routine.sources.items():
        url = f" {source.url}" if source.url else ""
        lines.append(f"   {key}: {source.citation}{url}")
    for note in routine.notes:
        lines.append(f"[yellow]Note:[/yellow] {note}")
    return "\n".join(lines)
