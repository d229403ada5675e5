"""One-time messages carried to the next page in the signed session cookie."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

_KEYS = ("flash", "flash_undo")


@dataclass(frozen=True)
class Flash:
    message: str
    undo: bool = False  # offer to bring back the entry just deleted


def set_flash(request: Request, message: str, *, undo: bool = False) -> None:
    # A new dict: app.py re-signs the cookie when the session object changes.
    request.state.session = {**request.state.session, "flash": message, "flash_undo": undo}


def take_flash(request: Request) -> Flash | None:
    session = request.state.session
    message = session.get("flash")
    if not message:
        return None
    request.state.session = {k: v for k, v in session.items() if k not in _KEYS}
    return Flash(str(message), bool(session.get("flash_undo")))
