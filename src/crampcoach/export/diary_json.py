"""The JSON diary file: profile, episodes and sessions, one document, stable order."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from crampcoach.diary.bounds import excerpt
from crampcoach.diary.models import Episode, Profile
from crampcoach.diary.sessions import SavedSession, SessionFields, session_fields
from crampcoach.diary.validation import build, describe
from crampcoach.errors import DiaryError, ImportFileError
from crampcoach.export.episode_fields import episode_fields, episode_from_fields, shown_name

FORMAT = "crampcoach-diary"
VERSION = 1
MAX_DEPTH = 8  # document, sessions, a session, its steps, a step: five levels are used
MAX_DIGITS = 30  # no whole number in a diary is longer


@dataclass(frozen=True)
class DiaryContent:
    """Everything a diary file holds, sorted by start time then id."""

    profile: Profile | None = None
    episodes: Sequence[Episode] = field(default_factory=tuple)
    sessions: Sequence[SavedSession] = field(default_factory=tuple)


def sort_episodes(episodes: Sequence[Episode]) -> list[Episode]:
    return sorted(episodes, key=lambda e: (e.started_at.timestamp(), e.id))


def sort_sessions(sessions: Sequence[SavedSession]) -> list[SavedSession]:
    return sorted(sessions, key=lambda s: (s.record.started_at.timestamp(), s.id))


# Without `indent` json uses its C encoder (ten times the pure-Python one's speed).
_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def write_json(content: DiaryContent) -> str:
    """The diary as one JSON document with one line per entry and per session: readable
    and diff-friendly, written by the C encoder."""
    profile = content.profile.model_dump(mode="json") if content.profile else None
    episodes = [_encode(episode_fields(e)) for e in sort_episodes(content.episodes)]
    sessions = [_encode(session_fields(s)) for s in sort_sessions(content.sessions)]
    return (
        f'{{"format": {_encode(FORMAT)}, "version": {VERSION},\n'
        f'"profile": {_encode(profile)},\n'
        f'"episodes": {_rows(episodes)},\n'
        f'"sessions": {_rows(sessions)}}}\n'
    )


def _rows(encoded: list[str]) -> str:
    return "[\n" + ",\n".join(encoded) + "\n]" if encoded else "[]"


def _raise_all(problems: list[str], name: str) -> None:
    if problems:
        more = f" ({len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise ImportFileError(f"{name}: {problems[0]}{more}; nothing was imported")


def read_json(text: str, *, name: str, now: datetime) -> DiaryContent:
    """Parse and validate a whole JSON diary; any fault refuses the whole file."""
    document = _parse(text, name)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFileError(f"{name}: not a crampcoach diary file (format is not {FORMAT!r})")
    if document.get("version") != VERSION:
        version = excerpt(document.get("version"))
        raise ImportFileError(f"{name}: field version: {version} not supported")
    unknown = sorted(set(document) - {"format", "version", "profile", "episodes", "sessions"})
    if unknown:
        raise ImportFileError(f"{name}: field {shown_name(unknown[0])}: unknown field")
    problems: list[str] = []
    profile = None
    if document.get("profile") is not None:
        try:
            profile = build(Profile, _object(document["profile"], "profile"), where="profile")
        except DiaryError as exc:
            problems.append(str(exc))
    episodes: list[Episode] = []
    for i, item in enumerate(_list(document, "episodes")):
        try:
            episodes.append(
                episode_from_fields(
                    _object(item, f"episodes[{i}]"), where=f"episodes[{i}]", now=now
                )
            )
        except DiaryError as exc:
            problems.append(str(exc))
    sessions: list[SavedSession] = []
    for i, item in enumerate(_list(document, "sessions")):
        try:
            fields = SessionFields.model_validate(_object(item, f"sessions[{i}]"))
        except ValidationError as exc:
            problems.append(describe(exc, where=f"sessions[{i}]"))
            continue
        except DiaryError as exc:
            problems.append(str(exc))
            continue
        if fields.started_at > now:
            problems.append(f"sessions[{i}], field started_at: in the future")
        sessions.append(fields.to_saved())
    problems.extend(_duplicates([e.id for e in episodes], "episodes"))
    problems.extend(_duplicates([s.id for s in sessions], "sessions"))
    _raise_all(problems, name)
    return DiaryContent(profile=profile, episodes=episodes, sessions=sessions)


_TOO_DEEP = object()


class _LongNumber(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _whole_number(digits: str) -> int:
    """A JSON integer; one longer than any a diary holds is refused before Python's own
    limit on converting long digit strings can fail with a traceback."""
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise _LongNumber(digits)
    return int(digits)


def _parse(text: str, name: str) -> Any:
    """The JSON document, or ImportFileError naming the line: not JSON, a number too long,
    or nested deeper than a diary file ever is."""
    try:
        document = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"{name}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except _LongNumber as exc:
        line = text.count("\n", 0, max(text.find(exc.digits), 0)) + 1
        raise ImportFileError(
            f"{name}: line {line}: a number of {len(exc.digits):,} digits; nothing was imported"
        ) from None
    except RecursionError:  # nested far too deeply for the parser itself
        document = _TOO_DEEP
    if document is _TOO_DEEP or _depth(document) > MAX_DEPTH:
        raise ImportFileError(
            f"{name}: nested deeper than a diary file ({MAX_DEPTH} levels); nothing was imported"
        )
    return document


def _depth(document: Any) -> int:
    """How deeply lists and objects nest (without recursion, so any depth is safe)."""
    deepest = 0
    pending = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        pending.extend((child, depth + 1) for child in children)
    return deepest


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DiaryError(f"{where}: expected an object")
    return value


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise ImportFileError(f"field {key}: expected a list")
    return value


def _duplicates(ids: list[str], what: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for i, item in enumerate(ids):
        if item in seen:
            problems.append(f"{what}[{i}], field id: {item} appears twice")
        seen.add(item)
    return problems
