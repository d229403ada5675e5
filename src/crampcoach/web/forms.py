"""HTML forms: the posted fields as a dependency, and the services' errors shown at the
field they name."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from crampcoach.diary.text import sentence
from crampcoach.errors import DiaryError, UserError


def field_error(exc: UserError, fields: dict[str, str]) -> tuple[str | None, str]:
    """(form field, message for a person); the field is None when the error names none
    this form shows.

    `fields` maps a service field name to the form's field name (e.g. duration_s: minutes).
    """
    if isinstance(exc, DiaryError) and exc.field in fields:
        return fields[exc.field], sentence(exc.reason)
    return None, sentence(str(exc))


def parse_number(text: str) -> float | str:
    """A number as typed ("2.5" or "2,5"), else the text itself for the service to refuse
    in its own words."""
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def whole_number(text: str, *, most: int) -> int | None:
    """A whole number typed in ASCII digits, at most `most`; None for anything else
    ("²" is a digit to `str.isdigit`, but not a number anyone types)."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(most)):
        return None
    number = int(text)
    return number if number <= most else None


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed once by the CSRF check; Starlette caches it)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def form_text(form: FormData, name: str) -> str:
    """A posted text field, trimmed ("" when missing or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
