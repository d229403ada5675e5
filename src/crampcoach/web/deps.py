"""Dependencies as named aliases, so routes read like plain functions.

The small ones are `async def` so FastAPI calls them inline, not via its thread pool.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from starlette.requests import HTTPConnection

from crampcoach.errors import RoutineError
from crampcoach.protocol.models import Routine
from crampcoach.services.live_figures import FigureBook
from crampcoach.services.routines import builtin_routine
from crampcoach.services.storage import Store
from crampcoach.settings import Settings
from crampcoach.web.security import Gate, needs_csrf_token


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(connection: HTTPConnection) -> Store:
    return connection.app.state.store


async def get_templates(request: Request) -> Jinja2Templates:
    return request.app.state.templates


async def get_gate(request: Request) -> Gate:
    return request.app.state.gate


async def get_live_figures(request: Request) -> FigureBook:
    return request.app.state.live_figures


async def verify_csrf(connection: HTTPConnection) -> None:
    """Refuse cross-site writes: a foreign Origin, or a form post without our token. (A
    WebSocket's Origin and login are checked by the Gatekeeper before any route.)"""
    if connection.scope["type"] == "websocket":
        return
    request = connection
    assert isinstance(request, Request)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(status_code=403, detail="cross-site request refused")
    if not needs_csrf_token(request.method, request.headers.get("content-type", "")):
        return
    expected = request.state.visit.get("csrf")
    sent = request.headers.get("x-csrf-token")
    if sent is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get("csrf_token")
        sent = value if isinstance(value, str) else None
    if not expected or sent != expected:
        raise HTTPException(
            status_code=403, detail="the form has expired or is not ours; reload the page"
        )


def routine_or_404(name: str) -> Routine:
    """A shipped routine by name, or a 404 that names the routines there are."""
    try:
        return builtin_routine(name)
    except RoutineError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
GateDep = Annotated[Gate, Depends(get_gate)]
LiveFiguresDep = Annotated[FigureBook, Depends(get_live_figures)]
