"""/pair?token=...: the URL in the QR code of `crampcoach serve --lan`. A valid one-time
code logs this phone in for good (until revoked in Settings) with a device cookie. An
open path (no login); failures are throttled like wrong passwords."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.services.devices import pair_device
from crampcoach.web.deps import GateDep, StoreDep, TemplatesDep
from crampcoach.web.login_throttle import Refused, client_key
from crampcoach.web.security import DEVICE_COOKIE, DEVICE_LIFETIME_S

if TYPE_CHECKING:
    from crampcoach.lan.site import LanSite

router = APIRouter(include_in_schema=False)
MAX_TOKEN_CHARS = 200
NEW_CODE = "For a new code, open the page /phone on the computer that runs crampcoach."
REFUSED = {
    "used": (410, "This pairing code was already used", "A code logs in one phone, once."),
    "expired": (410, "This pairing code has expired", "A code works for ten minutes."),
    "unknown": (403, "This pairing code is not valid", "Scan the code again, or type it whole."),
}


def lan_site(request: Request) -> LanSite | None:
    """What `serve --lan` set up; None on plain `serve`."""
    return getattr(request.app.state, "lan", None)


@router.get("/pair", response_class=HTMLResponse)
def pair(
    request: Request, templates: TemplatesDep, gate: GateDep, store: StoreDep, token: str = ""
) -> Response:
    site = lan_site(request)
    if site is None:
        raise HTTPException(404, "Pairing works with `crampcoach serve --lan`.")
    if getattr(request.state, "device", None) is not None:  # already paired: the code stays unused
        return RedirectResponse("/", status_code=303)
    client = client_key(request.client.host if request.client else None)
    try:
        gate.throttle.begin(client)
    except Refused as refused:
        message = f"Too many wrong codes: try again in {refused.retry_after_s} seconds."
        headers = {"Retry-After": str(refused.retry_after_s)}
        return _refusal(request, templates, 429, "Please wait", message, headers)
    outcome = "unknown"
    try:
        outcome = site.pairing.redeem(token[:MAX_TOKEN_CHARS])
    finally:
        gate.throttle.end(client, success=outcome == "paired")
    if outcome != "paired":
        status, title, why = REFUSED[outcome]
        return _refusal(request, templates, status, title, f"{why} {NEW_CODE}")
    paired = pair_device(store, request.headers.get("user-agent"))
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        DEVICE_COOKIE,
        paired.token,
        max_age=DEVICE_LIFETIME_S,
        path="/",
        secure=True,
        httponly=True,
        samesite="strict",
    )
    return response


def _refusal(
    request: Request,
    templates: TemplatesDep,
    status: int,
    title: str,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response:
    context = {"page": "error", "title": title, "message": message}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )
