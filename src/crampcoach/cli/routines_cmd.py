"""`crampcoach routines` and `crampcoach routines show NAME`."""

from __future__ import annotations

import typer
from rich.console import Console

from crampcoach.services.routines import describe_routine, routine_catalogue


def register(app: typer.Typer) -> None:
    routines = typer.Typer(
        help="List the routines, or show one.", invoke_without_command=True, no_args_is_help=False
    )

    @routines.callback()
    def list_all(ctx: typer.Context) -> None:
        """List the shipped routines."""
        if ctx.invoked_subcommand is not None:
            return
        console = Console()
        for entry in routine_catalogue():
            console.print(
                f"[bold]{entry.name:<14}[/bold] {entry.title}  "
                f"[dim]({entry.minutes:.0f} min, {entry.mode})[/dim]"
            )
        console.print(
            "\nShow one: crampcoach routines show NAME   Run one: crampcoach routine NAME"
        )

    @routines.command("show")
    def show(name: str = typer.Argument(..., help="A routine name or a routine file.")) -> None:
        """Print a routine: exercises, instructions, safety notes and sources."""
        Console().print(describe_routine(name), highlight=False)

    app.add_typer(routines, name="routines")
