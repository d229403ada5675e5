"""The web app: `create_app(settings)` builds it; `crampcoach serve` hands it to uvicorn."""

from __future__ import annotations

import inspect
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from crampcoach import __version__
from crampcoach.diary.text import minutes_text
from crampcoach.pose.live import PoseFactory, default_pose_factory
from crampcoach.services.live_figures import FigureBook
from crampcoach.settings import Settings
from crampcoach.web.deps import verify_csrf
from crampcoach.web.errors import install_error_pages
from crampcoach.web.routes import ROUTERS
from crampcoach.web.security import COOKIE, SECURITY_HEADERS, SESSION_LIFETIME_S, Gate

# No telemetry: newer FastAPI releases carry OpenTelemetry hooks; switch every one off,
# including exporters configured from the environment.
NO_TELEMETRY = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}

OPEN_PATHS = ("/login", "/static/", "/manifest.webmanifest", "/sw.js", "/healthz")


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("crampcoach.web") / name))


def _telemetry_off() -> dict[str, object]:
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters:
        return {"telemetry": NO_TELEMETRY}
    return {}


def create_app(
    settings: Settings, *, gate: Gate | None = None, pose_factory: PoseFactory | None = None
) -> FastAPI:
    """Build the app. ``gate`` decides who may use it (no password on loopback by default);
    ``pose_factory`` makes the live camera's pose model (MediaPipe Pose by default)."""
    app = FastAPI(
        title="crampcoach",
        version=__version__,
        description="A coach for night ankle and leg cramps: routines, sessions and a diary.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(verify_csrf)],
        **_telemetry_off(),
    )
    app.state.settings = settings
    app.state.gate = gate or Gate(password_hash=None)
    app.state.pose_factory = pose_factory or default_pose_factory
    app.state.live_figures = FigureBook()  # camera figures waiting for their session's save
    app.state.live_connections = 0
    templates = Jinja2Templates(directory=_package_dir("templates"))
    templates.env.filters["minutes"] = minutes_text
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")

    @app.middleware("http")
    async def session_and_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        gate: Gate = request.app.state.gate
        data = gate.decode(request.cookies.get(COOKIE))
        fresh = data is None
        if data is None:
            data = gate.new_session(authenticated=False)
        request.state.session = data
        path = request.url.path
        response: Response
        if gate.login_required and not data.get("auth") and not path.startswith(OPEN_PATHS):
            if path.startswith("/api/"):
                response = JSONResponse({"detail": "log in first"}, status_code=401)
            else:
                response = RedirectResponse(f"/login?next={path}", status_code=303)
        else:
            response = await call_next(request)
        if fresh or request.state.session is not data or request.state.__dict__.get("renew"):
            response.set_cookie(
                COOKIE,
                gate.encode(request.state.session),
                max_age=SESSION_LIFETIME_S,
                httponly=True,
                samesite="strict",
                secure=request.url.scheme == "https",
            )
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        if path.startswith("/api/") or path in ("/diary", "/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    for router in ROUTERS:
        app.include_router(router)
    install_error_pages(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> Response:
        body = (_package_dir("static") / "manifest.webmanifest").read_bytes()
        return Response(body, media_type="application/manifest+json")

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        body = (_package_dir("static") / "sw.js").read_bytes()
        return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    return app
