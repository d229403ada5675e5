"""What every command shares: the settings object and the one way to fail."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from crampcoach.diary.bounds import EXCERPT_CHARS, excerpt, year_problem
from crampcoach.errors import DiaryError

if TYPE_CHECKING:  # imported by the commands that use them, not at start
    from crampcoach.services.storage import Store
    from crampcoach.settings import Settings

MAX_MESSAGE_CHARS = 1000  # a message names the fault and quotes excerpts: far shorter
LONG_LINE_CHARS = 300  # longer than any message of ours: it quotes someone's input whole
_STORE = "crampcoach.store"  # the invocation's store, in the root context's meta
_LONG_QUOTE = re.compile(rf"'[^']{{{EXCERPT_CHARS + 1},}}'")


def short_line(message: str) -> str:
    """The message on one line and of a bounded length: the last guard for a message that
    quotes a whole bad value (a usage error quoting a 100 KB argument, say)."""
    line = " ".join(message.strip().splitlines()) or "failed"
    if len(line) > LONG_LINE_CHARS:
        line = _LONG_QUOTE.sub(lambda quoted: excerpt(quoted.group(0)[1:-1]), line)
    if len(line) > MAX_MESSAGE_CHARS:
        line = f"{line[: MAX_MESSAGE_CHARS - 1]}…"
    return line


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"crampcoach: error: {short_line(message)}", file=sys.stderr)
    sys.exit(code)


def settings_from(ctx: typer.Context) -> Settings:
    """The settings built once for this invocation (from the environment)."""
    from crampcoach.settings import Settings

    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        root.obj = Settings()
    return root.obj


def store_from(ctx: typer.Context) -> Store:
    """The diary's store for this invocation: opened (and migrated) on first use, closed
    when the command ends."""
    from crampcoach.services.storage import Store, open_store

    root = ctx.find_root()
    store = root.meta.get(_STORE)
    if not isinstance(store, Store):
        store = root.meta[_STORE] = open_store(settings_from(ctx))
        root.call_on_close(store.close)
    return store


def parse_night(text: str | None, option: str) -> date | None:
    """A night given on the command line (YYYY-MM-DD, in the diary's calendar), or None
    when not given."""
    if text is None:
        return None
    try:
        night = date.fromisoformat(text)
    except ValueError:
        raise DiaryError(
            f"not a date, use YYYY-MM-DD (got {excerpt(text)})", field=option
        ) from None
    problem = year_problem(night)
    if problem:
        raise DiaryError(f"{problem} (got {text})", field=option)
    return night


def parse_nights(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """--from and --to, each a night or None, in order."""
    start, end = parse_night(first, "--from"), parse_night(last, "--to")
    if start is not None and end is not None and end < start:
        raise DiaryError(f"{end} is before --from ({start})", field="--to")
    return start, end


def write_output(output: str, data: str | bytes, *, store: Store | None = None) -> None:
    """Write a command's file: to stdout for "-", else whole or not at all (one line on
    stderr says where); never over the diary's own database when `store` is given."""
    from crampcoach.services.diary_files import refuse_own_database, write_file

    if store is not None and output != "-":
        refuse_own_database(store, Path(output))
    if output == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    write_file(Path(output), data)
    print(f"wrote {output}", file=sys.stderr)
