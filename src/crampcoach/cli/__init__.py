"""The `crampcoach` command. Thin: each command parses input and calls one service."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer
from pydantic import ValidationError

from crampcoach.cli import (
    analyze_cmd,
    coach_cmd,
    diary_cmd,
    insights_cmd,
    report_cmd,
    routines_cmd,
    safety_cmd,
    serve_cmd,
    track_cmd,
)
from crampcoach.cli.context import fail
from crampcoach.diary.validation import invalid
from crampcoach.errors import UserError
from crampcoach.services.diary_files import shown_path
from crampcoach.settings import Settings

app = typer.Typer(
    name="crampcoach",
    help=(
        "A coach for night ankle and leg cramps: guided routines, a cramp diary and a camera"
        " that counts the exercises."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

for module in (
    routines_cmd,
    coach_cmd,
    diary_cmd,
    insights_cmd,
    safety_cmd,
    report_cmd,
    serve_cmd,
    track_cmd,
    analyze_cmd,
):
    module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input becomes one line on stderr and exit code 2, never a traceback."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="crampcoach", standalone_mode=False)
    except UserError as exc:
        fail(str(exc), exc.exit_code)
    except ValidationError as exc:
        if exc.title != Settings.__name__:  # a model built from input without `build`
            fail(str(invalid(exc)))
        first = exc.errors()[0]
        where = "_".join(str(part) for part in first["loc"]).upper()
        fail(f"invalid setting CRAMPCOACH_{where}: {first['msg']}")
    except typer.Abort:
        fail("aborted", 130)
    except typer.TyperException as exc:  # usage errors: unknown option, bad value
        fail(exc.format_message().replace("Value error, ", ""), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except OSError as exc:
        # the last line of defence for a path the commands did not check themselves (a
        # name too long, a folder where a file belongs); an OSError about no path is a
        # fault of crampcoach's own and keeps its traceback
        if exc.filename is None:
            raise
        fail(f"{shown_path(Path(os.fsdecode(exc.filename)))}: {exc.strerror or exc}")
    sys.exit(code if isinstance(code, int) else 0)
