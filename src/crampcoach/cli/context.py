"""What every command shares: the settings object and the one way to fail."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

import typer

from crampcoach.errors import DiaryError, UserError
from crampcoach.services.diary_files import write_file
from crampcoach.settings import Settings


def fail(message: str, code: int = 2) -> NoReturn:
    first_line = " ".join(message.strip().splitlines()) or "failed"
    print(f"crampcoach: error: {first_line}", file=sys.stderr)
    sys.exit(code)


def settings_from(ctx: typer.Context) -> Settings:
    """The settings built once for this invocation (from the environment)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def parse_night(text: str | None, option: str) -> date | None:
    """A night given on the command line (YYYY-MM-DD), or None when not given."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DiaryError(f"{option}: not a date, use YYYY-MM-DD (got {text!r})") from None


def write_output(output: str, data: str | bytes) -> None:
    """Write a command's file: to stdout for "-", else whole or not at all (one line on
    stderr says where)."""
    if output == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    try:
        write_file(Path(output), data)
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc.strerror or exc}") from None
    print(f"wrote {output}", file=sys.stderr)
