"""/login and /logout, used only when the server requires a password."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from crampcoach.web.deps import GateDep, TemplatesDep
from crampcoach.web.login_throttle import Refused, client_key

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, templates: TemplatesDep, gate: GateDep, next: str = "/"
) -> Response:
    context = {"next": _safe_next(next), "error": None, "page": "login"}
    context["pairing_only"] = gate.lan and gate.password_hash is None  # serve --lan, no password
    return templates.TemplateResponse(request, "login.html", context)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    templates: TemplatesDep,
    gate: GateDep,
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the password, at most a few at once and ever more slowly from a client that
    keeps getting it wrong (web/login_throttle.py); the check runs off the event loop."""
    client = client_key(request.client.host if request.client else None)
    try:
        gate.throttle.begin(client)
    except Refused as refused:
        wait = f"Too many attempts: try again in {refused.retry_after_s} seconds."
        return _login_page(
            request, templates, next, wait, 429, {"Retry-After": str(refused.retry_after_s)}
        )
    ok = False
    try:
        ok = await run_in_threadpool(gate.check_password, password)
    finally:
        gate.throttle.end(client, success=ok)
    if not ok:
        return _login_page(request, templates, next, "That password is not right.", 401)
    request.state.visit = gate.new_visit(authenticated=True)
    return RedirectResponse(_safe_next(next), status_code=303)


def _login_page(
    request: Request,
    templates: TemplatesDep,
    next: str,
    error: str,
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    context = {"next": _safe_next(next), "error": error, "page": "login"}
    return templates.TemplateResponse(
        request, "login.html", context, status_code=status, headers=headers
    )


@router.post("/logout")
def logout(request: Request, gate: GateDep) -> Response:
    """Log out: this visit's id is forgotten on the server, so its cookie is dead."""
    gate.end_visit(request.state.visit)
    request.state.visit = gate.new_visit(authenticated=False)
    return RedirectResponse("/login" if gate.login_required else "/", status_code=303)
