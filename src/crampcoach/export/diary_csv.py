"""The CSV diary file: episodes only, one row each, a fixed column order.

Lists (helped, tags) are joined with ';'; `woke` is yes/no; an empty cell is "not given".

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage
return) as a formula, so a note like `=HYPERLINK(...)` would become a live link. Such a
cell is written with a single quote in front (OWASP's advice), which a spreadsheet shows
as text; reading takes exactly that quote off again, so export then import gives back the
original text. A cell that already starts with quotes before such a character gets one
more, so the rule can always be undone. Every cell goes through the same rule: the
numbers are never negative, so a numeric cell never starts with one of these characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crampcoach.diary.bounds import excerpt
from crampcoach.diary.models import Episode
from crampcoach.errors import DiaryError, ImportFileError
from crampcoach.export.diary_json import sort_episodes
from crampcoach.export.episode_fields import (
    EPISODE_FIELDS,
    REQUIRED_FIELDS,
    episode_fields,
    episode_from_fields,
    shown_name,
)

_WHOLE = re.compile(r"[+-]?\d{1,30}")  # longer is no number a diary holds (and int() would balk)
_YES = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}
_FORMULA = re.compile(r"'*[=+\-@\t\r]")  # after any quotes, a character that starts a formula


def neutralise(text: str) -> str:
    """The cell as written: a single quote in front when a spreadsheet would run it."""
    return f"'{text}" if _FORMULA.match(text) else text


def restore(text: str) -> str:
    """The cell as it was before `neutralise`."""
    return text[1:] if text.startswith("'") and _FORMULA.match(text) else text


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return neutralise(";".join(value))
    return neutralise(str(value))


def write_csv(episodes: Sequence[Episode]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EPISODE_FIELDS)
    for episode in sort_episodes(episodes):
        fields = episode_fields(episode)
        writer.writerow([_cell(name, fields[name]) for name in EPISODE_FIELDS])
    return out.getvalue()


def _value(name: str, cell: str, where: str) -> Any:
    raw = restore(cell)
    text = raw.strip()
    if name in ("helped", "tags"):
        return [part.strip() for part in text.split(";") if part.strip()]
    if text == "":
        return None
    if name in ("duration_s", "severity", "pain_after"):
        if not _WHOLE.fullmatch(text):
            reason = f"not a whole number (got {excerpt(text)})"
            raise DiaryError(reason, field=name, where=where)
        return int(text)
    if name == "woke":
        if text.lower() not in _YES:
            raise DiaryError(f"expected yes or no (got {excerpt(text)})", field=name, where=where)
        return _YES[text.lower()]
    return raw if name == "notes" else text


def read_csv(text: str, *, name: str, now: datetime) -> list[Episode]:
    """Parse and validate a whole CSV diary; any fault refuses the whole file."""
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_rows(reader, name=name, now=now)
    except csv.Error as exc:  # a cell over the csv module's size limit, a NUL byte
        line = reader.line_num
        raise ImportFileError(f"{name}: line {line}: {exc}; nothing was imported") from None


def _read_rows(reader: Any, *, name: str, now: datetime) -> list[Episode]:
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise ImportFileError(f"{name}: line 1: the file is empty") from None
    unknown = [column for column in header if column not in EPISODE_FIELDS]
    if unknown:
        raise ImportFileError(f"{name}: line 1, field {shown_name(unknown[0])}: unknown column")
    missing = sorted(REQUIRED_FIELDS - set(header))
    if missing:
        raise ImportFileError(f"{name}: line 1, field {missing[0]}: missing column")
    problems: list[str] = []
    episodes: list[Episode] = []
    seen: set[str] = set()
    line = reader.line_num + 1
    for row in reader:
        where = f"line {line}"
        line = reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} cells, the header has {len(header)}")
            continue
        try:
            data = {col: _value(col, cell, where) for col, cell in zip(header, row, strict=True)}
            data = {key: value for key, value in data.items() if value is not None}
            episode = episode_from_fields(data, where=where, now=now)
        except DiaryError as exc:
            problems.append(str(exc))
            continue
        if episode.id in seen:
            problems.append(f"{where}, field id: {episode.id} appears twice")
        seen.add(episode.id)
        episodes.append(episode)
    if problems:
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ImportFileError(f"{name}: {problems[0]}{more}; nothing was imported")
    return episodes
