"""Turning pydantic's validation errors into one clear line that names the field."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from crampcoach.errors import DiaryError

M = TypeVar("M", bound=BaseModel)


def describe(exc: ValidationError, *, where: str = "") -> str:
    """`where, field: what is wrong (got value)` for the first error, with a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    field = ".".join(str(part) for part in first["loc"]) or "value"
    message = first["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    shown = first.get("input")
    got = "" if isinstance(shown, dict) or first["type"] == "missing" else f" (got {shown!r})"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    prefix = f"{where}, field " if where else ""
    return f"{prefix}{field}: {message}{got}{more}"


def build(model: type[M], data: dict[str, Any], *, where: str = "") -> M:
    """Validate `data` as `model`; bad input raises DiaryError naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DiaryError(describe(exc, where=where)) from None
