"""Turning pydantic's validation errors into one clear line that names the field.

Every way data comes in (the CLI, the web forms, the JSON API, the importers) builds the
diary's models through `build`, so they refuse the same values with the same words.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from crampcoach.diary.bounds import (
    MAX_ITEM_LENGTH,
    MAX_LIST_ITEMS,
    MAX_MINUTES,
    MAX_NOTES_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    excerpt,
)
from crampcoach.diary.models import HELPED
from crampcoach.errors import DiaryError

M = TypeVar("M", bound=BaseModel)

# What to say when a value is of the wrong type or out of range, by field. A rule written
# as a validator (a tag with ';', an unknown zone) says its own words instead.
HINTS = {
    "severity": "give a whole number from 0 (none) to 10 (worst)",
    "pain_after": "give a whole number from 0 (none) to 10 (worst)",
    "min_severity": "give a whole number from 0 to 10",
    "max_severity": "give a whole number from 0 to 10",
    "duration_s": f"give the seconds it lasted, a whole number from 0 to {MAX_MINUTES * 60}",
    "minutes": f"give the minutes it lasted, from 0 to {MAX_MINUTES}",
    "leg": "choose left, right or both",
    "place": "choose foot, ankle, calf or thigh",
    "helped": "choose from " + ", ".join(HELPED[:-1]) + " or " + HELPED[-1],
    "woke": "answer yes or no",
    "bedtime": "use a 24-hour time like 22:30",
    "notes": f"notes are at most {MAX_NOTES_LENGTH:,} characters",
    "tags": f"at most {MAX_TAGS} tags, each at most {MAX_TAG_LENGTH} characters",
    "medicines": f"at most {MAX_LIST_ITEMS} lines, each at most {MAX_ITEM_LENGTH} characters",
    "conditions": f"at most {MAX_LIST_ITEMS} lines, each at most {MAX_ITEM_LENGTH} characters",
    "tempo_s": "give seconds per repetition, 0.5 to 30",
    "default_leg": "choose left, right or both",
}
_OWN_WORDS = ("value_error", "missing", "extra_forbidden")


def _field(loc: tuple[Any, ...]) -> str:
    names = [str(part) for part in loc if not isinstance(part, int)]
    return names[0] if names else "value"


def describe(exc: ValidationError, *, where: str = "") -> str:
    """`where, field: what is wrong (got an excerpt)` for the first error."""
    return str(invalid(exc, where=where))


def _reason(error: Any) -> str:
    """What is wrong with one value, and an excerpt of it."""
    field = _field(error["loc"])
    kind = error["type"]
    if field in HINTS and kind not in _OWN_WORDS:
        message = HINTS[field]
    else:
        message = error["msg"].removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
    shown = error.get("input")
    got = "" if isinstance(shown, dict) or kind == "missing" else f" (got {excerpt(shown)})"
    return f"{message}{got}"


def invalid(exc: ValidationError, *, where: str = "") -> DiaryError:
    """A DiaryError for the first error (its field, what is wrong, an excerpt of the bad
    value), with a count of the rest; the other fields at fault ride along in `others`."""
    errors = exc.errors()
    first = errors[0]
    others: dict[str, str] = {}
    for error in errors[1:]:
        others.setdefault(_field(error["loc"]), _reason(error))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    path = ".".join(str(part) for part in first["loc"]) or None
    return DiaryError(
        f"{_reason(first)}{more}",
        field=_field(first["loc"]),
        where=where,
        others=others,
        path=path,
    )


def build(model: type[M], data: dict[str, Any], *, where: str = "") -> M:
    """Validate `data` as `model`; bad input raises DiaryError naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(exc, where=where) from None
    except RecursionError:
        raise DiaryError("the value is nested too deeply", where=where) from None


def build_each(*parts: tuple[type[BaseModel], dict[str, Any]]) -> list[BaseModel]:
    """Validate several models together: one DiaryError naming every field at fault in
    any of them (a form saved as a whole shows them all), else the models in order."""
    built: list[BaseModel] = []
    problems: list[DiaryError] = []
    for model, data in parts:
        try:
            built.append(build(model, data))
        except DiaryError as exc:
            problems.append(exc)
    if not problems:
        return built
    first, *rest = problems
    others = dict(first.others)
    for problem in rest:
        if problem.field is not None:
            others.setdefault(problem.field, problem.reason)
        others.update({k: v for k, v in problem.others.items() if k not in others})
    others.pop(first.field or "", None)
    raise DiaryError(first.reason, field=first.field, others=others, path=first.path)
