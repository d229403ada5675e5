"""/login and /logout, used only when the server requires a password."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.web.deps import GateDep, TemplatesDep

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, templates: TemplatesDep, next: str = "/") -> Response:
    return templates.TemplateResponse(
        request, "login.html", {"next": _safe_next(next), "error": None, "page": "login"}
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    templates: TemplatesDep,
    gate: GateDep,
    password: str = Form(""),
    next: str = Form("/"),
) -> Response:
    if not gate.check_password(password):
        return templates.TemplateResponse(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "That password is not right.", "page": "login"},
            status_code=401,
        )
    request.state.session = gate.new_session(authenticated=True)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, gate: GateDep) -> Response:
    request.state.session = gate.new_session(authenticated=False)
    return RedirectResponse("/login" if gate.login_required else "/", status_code=303)
