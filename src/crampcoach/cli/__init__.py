"""The `crampcoach` command. Thin: each command parses input and calls one service.

Only Typer and the command table (`cli.commands`) load at start; each command imports
what it uses when it runs, so `crampcoach --help` is as quick as Typer itself.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; bad input becomes one line on stderr and exit code 2, never a traceback."""
    # crampcoach uses no pydantic plugins: skip their search through every installed
    # package's metadata (a tenth of a second on each command that builds a model)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    import typer

    from crampcoach.cli.commands import app
    from crampcoach.cli.context import fail
    from crampcoach.errors import UserError

    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="crampcoach", standalone_mode=False)
    except UserError as exc:
        fail(str(exc), exc.exit_code)
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
        from crampcoach.services.diary_files import shown_path

        fail(f"{shown_path(Path(os.fsdecode(exc.filename)))}: {exc.strerror or exc}")
    except Exception as exc:
        if not _validation_error(exc):
            raise
        fail(_validation_message(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _validation_error(exc: Exception) -> bool:
    """A pydantic ValidationError (pydantic is imported only by the commands using it)."""
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(exc, pydantic.ValidationError)


def _validation_message(exc: Exception) -> str:
    from crampcoach.diary.validation import invalid
    from crampcoach.settings import Settings

    if exc.title != Settings.__name__:  # type: ignore[attr-defined]  # a model built from input without `build`
        return str(invalid(exc))  # type: ignore[arg-type]
    first = exc.errors()[0]  # type: ignore[attr-defined]
    where = "_".join(str(part) for part in first["loc"]).upper()
    return f"invalid setting CRAMPCOACH_{where}: {first['msg']}"
