"""Find, read and validate routine files; every failure is a one-line RoutineError."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crampcoach.errors import RoutineError
from crampcoach.protocol.models import Routine
from crampcoach.yaml_text import YAMLError, read_yaml

_PACKAGE_DIR = "routines"


def _builtin_files() -> dict[str, Any]:
    folder = resources.files("crampcoach.protocol") / _PACKAGE_DIR
    return {
        entry.name.removesuffix(".yaml"): entry
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def builtin_names() -> list[str]:
    return sorted(_builtin_files())


_SET_TYPES = frozenset({"reps", "letters", "hold", "confirm"})


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for position, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in _SET_TYPES and position >= 2 and loc[position - 2] == "sets":
            # pydantic names the union member it tried (sets[0].reps.reps); the field path
            # says enough. Only that tag is dropped: a field may share its name (`reps`).
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def _is_inside(loc: tuple[int | str, ...], parent: tuple[int | str, ...]) -> bool:
    return len(loc) > len(parent) and tuple(loc[: len(parent)]) == tuple(parent)


def _describe(error: dict[str, Any]) -> str:
    where = _location(tuple(error["loc"]))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "missing":
        return f"{where}: is required"
    if error["type"] == "extra_forbidden":
        return f"{where}: is not a known field"
    given = error.get("input")
    if isinstance(given, str | int | float | bool) and error["type"] != "union_tag_invalid":
        return f"{where}: {message} (got {given!r})"
    return f"{where}: {message}"


def parse_routine(text: str, origin: str) -> Routine:
    """Validate routine YAML text. ``origin`` names the file in error messages."""
    try:
        data = read_yaml(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        if mark is not None:
            raise RoutineError(
                f"{origin}: invalid YAML at line {mark.line + 1}, column {mark.column + 1}: "
                f"{problem}"
            ) from None
        raise RoutineError(f"{origin}: invalid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise RoutineError(f"{origin}: a routine file must be a YAML mapping with name, exercises")
    try:
        return Routine.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A tuple whose only item failed also reports "at least 1 item ... not 0"; that
        # repeats the item's own error in a misleading way, so it is left out.
        errors = [
            error
            for error in errors
            if not (
                error["type"] == "too_short"
                and any(_is_inside(other["loc"], error["loc"]) for other in errors)
            )
        ]
        problems = [_describe(error) for error in errors]
        shown = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise RoutineError(f"{origin}: {shown}{more}") from None


def _looks_like_path(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def load_builtin(name: str) -> Routine:
    """A routine shipped in the package, by name (never reads the file system)."""
    builtins = _builtin_files()
    if name not in builtins:
        raise RoutineError(
            f"unknown routine {name!r}; choose one of: {', '.join(sorted(builtins))}, "
            "or give the path to a routine file"
        )
    return _parse_builtin(name)


@cache
def _parse_builtin(name: str) -> Routine:
    """Shipped files do not change while the program runs, and routines are frozen."""
    return parse_routine(_builtin_files()[name].read_text(encoding="utf-8"), name)


def load_routine_file(path: Path) -> Routine:
    if not path.is_file():
        raise RoutineError(f"{path}: no such routine file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise RoutineError(f"{path}: cannot read the routine file: {reason}") from None
    return parse_routine(text, str(path))


def load_routine(name_or_path: str) -> Routine:
    """A shipped routine by name (``bedtime``) or a routine file by path. A shipped name
    wins over a file of the same name in the current folder (write ``./bedtime`` for that)."""
    if name_or_path in _builtin_files():
        return load_builtin(name_or_path)
    path = Path(name_or_path)
    if _looks_like_path(name_or_path) or path.exists():
        return load_routine_file(path)
    return load_builtin(name_or_path)


def list_routines() -> list[Routine]:
    return [load_routine(name) for name in builtin_names()]
