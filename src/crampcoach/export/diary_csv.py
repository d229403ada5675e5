"""The CSV diary file: episodes only, one row each, a fixed column order.

Lists (helped, tags) are joined with ';'; `woke` is yes/no; an empty cell is "not given".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from crampcoach.diary.models import Episode
from crampcoach.errors import DiaryError, ImportFileError
from crampcoach.export.diary_json import sort_episodes
from crampcoach.export.episode_fields import (
    EPISODE_FIELDS,
    REQUIRED_FIELDS,
    episode_fields,
    episode_from_fields,
)

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


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def write_csv(episodes: Sequence[Episode]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EPISODE_FIELDS)
    for episode in sort_episodes(episodes):
        fields = episode_fields(episode)
        writer.writerow([_cell(name, fields[name]) for name in EPISODE_FIELDS])
    return out.getvalue()


def _value(name: str, raw: str, where: str) -> Any:
    text = raw.strip()
    if name in ("helped", "tags"):
        return [part.strip() for part in text.split(";") if part.strip()]
    if text == "":
        return None
    if name in ("duration_s", "severity", "pain_after"):
        try:
            return int(text)
        except ValueError:
            raise DiaryError(f"{where}, field {name}: not a whole number (got {text!r})") from None
    if name == "woke":
        if text.lower() not in _YES:
            raise DiaryError(f"{where}, field woke: expected yes or no (got {text!r})")
        return _YES[text.lower()]
    return raw if name == "notes" else text


def read_csv(text: str, *, name: str, now: datetime) -> list[Episode]:
    """Parse and validate a whole CSV diary; any fault refuses the whole file."""
    reader = csv.reader(io.StringIO(text))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        raise ImportFileError(f"{name}: line 1: the file is empty") from None
    unknown = [column for column in header if column not in EPISODE_FIELDS]
    if unknown:
        raise ImportFileError(f"{name}: line 1, field {unknown[0]}: unknown column")
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
