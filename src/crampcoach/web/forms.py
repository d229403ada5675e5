"""HTML forms: the posted fields as a dependency, and service messages ("severity: ...")
as errors shown at the field."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from crampcoach.errors import UserError

_PREFIX = re.compile(r"^([a-z_]+)(?:\.\d+)?: ")


def field_error(exc: UserError, fields: dict[str, str]) -> tuple[str | None, str]:
    """(form field, message for a person); the field is None when the message names none.

    `fields` maps a service field name to the form's field name (e.g. duration_s: minutes).
    """
    text = str(exc)
    match = _PREFIX.match(text)
    if match is None or match.group(1) not in fields:
        return None, sentence(text)
    return fields[match.group(1)], sentence(text[match.end() :])


def sentence(text: str) -> str:
    """A message as a sentence for a person: trimmed, first letter capital."""
    text = text.strip()
    return text[:1].upper() + text[1:] if text else "This value is not valid."


async def form_data(request: Request) -> FormData:
    """The posted form (already parsed once by the CSRF check; Starlette caches it)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(form_data)]


def form_text(form: FormData, name: str) -> str:
    """A posted text field, trimmed ("" when missing or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
