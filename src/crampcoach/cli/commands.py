"""The commands of `crampcoach`, loaded when they run.

`crampcoach --help` and each command import only what they use: the table below names
every command, the module that defines it (its `register(app)`) and the line `--help`
shows, so listing the commands imports none of them. A command's module is imported
when the command is invoked (or its own `--help` asked for); SQLAlchemy, numpy and the
rest come in only with the commands that need them.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
from typer.core import TyperGroup


class Entry(NamedTuple):
    module: str  # under crampcoach.cli
    summary: str  # the line in `crampcoach --help`


COMMANDS: dict[str, Entry] = {
    "routine": Entry("coach_cmd", "Run a guided routine, with a live display and spoken cues."),
    "log": Entry("diary_cmd", "Log a cramp in one line, or answer a few questions."),
    "diary": Entry("diary_cmd", "The cramp diary: recent nights, edit, delete, undo."),
    "export": Entry("exchange_cmd", "Export the diary as CSV, JSON or a FHIR R4 Bundle."),
    "import": Entry("exchange_cmd", "Import a diary file (entries already there are kept)."),
    "backup": Entry("exchange_cmd", "A consistent copy of the diary."),
    "insights": Entry("insights_cmd", "What the diary says: cramps a night, trends, patterns."),
    "trial": Entry("insights_cmd", "A personal trial (N-of-1): does the routine help you?"),
    "screen": Entry("safety_cmd", "Red-flag check: a few questions about your cramps."),
    "report": Entry("report_cmd", "One or two pages for your doctor, as a PDF."),
    "remind": Entry("report_cmd", "A calendar file that reminds you of the bedtime routine."),
    "profile": Entry("profile_cmd", "Your time zone, usual bedtime, medicines and conditions."),
    "routines": Entry("routines_cmd", "List the routines, or show one."),
    "serve": Entry("serve_cmd", "Start the web app on this computer or your home network."),
    "track": Entry("track_cmd", "Find the body's landmarks in each frame of a video."),
    # the command keeps the spelling users know from other tools; the code says "analyse"
    "analyze": Entry("analyse_cmd", "Count and measure an exercise in a video or a track."),
}

SETTINGS: dict[str, Any] = {
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": None,
}


class LazyGroup(TyperGroup):
    """The top-level group: commands from `COMMANDS`, each module imported on use."""

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"crampcoach.cli.{entry.module}")
        app = typer.Typer(**SETTINGS)
        module.register(app)
        return typer.main.get_group(app).get_command(ctx, cmd_name)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.summary) for name, entry in COMMANDS.items()])


app = typer.Typer(
    name="crampcoach",
    cls=LazyGroup,
    no_args_is_help=True,
    **SETTINGS,
)


@app.callback()
def crampcoach() -> None:
    """A coach for night ankle and leg cramps: guided routines, a cramp diary and a camera
    that counts the exercises."""
