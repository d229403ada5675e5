"""`crampcoach routine NAME`: the guided routine in the terminal."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from crampcoach.cli.context import settings_from, store_from
from crampcoach.protocol import load_routine
from crampcoach.services.preferences import effective_preferences
from crampcoach.services.screening import long_cramp_advice
from crampcoach.services.sessions import save_session
from crampcoach.services.storage import StorageError, Store
from crampcoach.session import SessionRecord, build_timeline
from crampcoach.terminal.coach import TerminalCoach
from crampcoach.terminal.keys import KeyReader, NoKeys, stdin_is_terminal
from crampcoach.voice import choose_voice


class LegChoice(StrEnum):
    left = "left"
    right = "right"
    both = "both"


def register(app: typer.Typer) -> None:
    @app.command("routine")
    def routine(
        ctx: typer.Context,
        name: str = typer.Argument(
            ..., help="bedtime, cramp-now, calf-stretch, or a routine file."
        ),
        leg: LegChoice | None = typer.Option(
            None,
            "--leg",
            help="left, right or both (one leg, then the other) [default: your default leg"
            " from Settings, else right].",
        ),
        voice: bool | None = typer.Option(
            None,
            "--voice/--no-voice",
            help="Speak the cues (espeak-ng) [default: as in Settings, else on].",
        ),
        tempo: float | None = typer.Option(
            None,
            "--tempo",
            min=0.5,
            max=30,
            help="Seconds per repetition [default: as in Settings, else 3].",
        ),
        speed: float = typer.Option(
            1.0,
            "--speed",
            min=0.1,
            max=1000,
            help="Run time faster (demos, tests): 10 = ten times.",
        ),
        no_input: bool = typer.Option(
            False, "--no-input", help="Run without a keyboard; confirmations go on by themselves."
        ),
        cue_log: Path | None = typer.Option(None, "--cue-log", hidden=True),
    ) -> None:
        """Run a guided routine: a live display, spoken cues, then a summary."""
        settings, store = settings_from(ctx), store_from(ctx)
        chosen = load_routine(name)
        preferred = effective_preferences(store, settings)  # the same stored defaults as the web's
        timeline = build_timeline(
            chosen,
            leg=leg.value if leg else preferred.leg,
            tempo_s=tempo if tempo is not None else preferred.tempo_s,
        )
        console = Console(highlight=False)
        speaker, notice = choose_voice(preferred.voice if voice is None else voice)
        interactive = not no_input and stdin_is_terminal()
        if not no_input and not interactive:
            notice = (notice + " " if notice else "") + (
                "No keyboard (stdin is not a terminal): running without keys."
            )
        coach = TerminalCoach(
            timeline,
            console=console,
            voice=speaker,
            keys=KeyReader() if interactive else NoKeys(),
            speed=speed,
            live=console.is_terminal,
            auto_confirm=not interactive,
            notice=notice,
            long_cramp=long_cramp_advice(store),
            cue_log=cue_log,
        )
        with coach.keys if isinstance(coach.keys, KeyReader) else NoKeys():
            record = coach.run()
        coach.print_summary(record)
        on_session_end(store, record, console)
        if not record.completed:
            sys.exit(0)


def on_session_end(store: Store, record: SessionRecord, console: Console) -> None:
    """Save every session, partial ones included, and say where it went."""
    try:
        save_session(store, record)
    except (OSError, StorageError) as exc:
        console.print(f"[yellow]This session could not be saved to the diary: {exc}[/yellow]")
        return
    console.print("[dim]Saved to your diary.[/dim]")
