"""One-time messages carried to the next page in the signed visit cookie."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

_KEYS = ("flash", "flash_undo", "flash_screening")


@dataclass(frozen=True)
class Flash:
    message: str
    undo: bool = False  # offer to bring back the entry just deleted
    screening: bool = False  # offer the red-flag questions (after a severe or long cramp)


def set_flash(
    request: Request, message: str, *, undo: bool = False, screening: bool = False
) -> None:
    # A new dict: the Gatekeeper re-signs the cookie when the visit object changes.
    request.state.visit = {
        **request.state.visit,
        "flash": message,
        "flash_undo": undo,
        "flash_screening": screening,
    }


def take_flash(request: Request) -> Flash | None:
    visit = request.state.visit
    message = visit.get("flash")
    if not message:
        return None
    request.state.visit = {k: v for k, v in visit.items() if k not in _KEYS}
    return Flash(str(message), bool(visit.get("flash_undo")), bool(visit.get("flash_screening")))
