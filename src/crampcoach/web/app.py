"""The web app: `create_app(settings)` builds it; `crampcoach serve` hands it to uvicorn."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp

from crampcoach import __version__
from crampcoach.diary.text import minutes_text
from crampcoach.plurals import count_of
from crampcoach.pose.live import PoseFactory, default_pose_factory
from crampcoach.pose.pool import PosePool
from crampcoach.services.insights import InsightsCache
from crampcoach.services.live_figures import FigureBook
from crampcoach.services.storage import Store, open_store
from crampcoach.services.today import TodayCache
from crampcoach.settings import Settings
from crampcoach.web.deps import verify_csrf
from crampcoach.web.errors import install_error_pages
from crampcoach.web.gatekeeper import Gatekeeper
from crampcoach.web.hosts import HostPolicy
from crampcoach.web.live_connection import LiveLimits
from crampcoach.web.routes import ROUTERS, api_docs
from crampcoach.web.security import Gate
from crampcoach.web.warm_up import import_heavy_libraries, start_warm_up

# No telemetry: newer FastAPI releases carry OpenTelemetry hooks; switch every one off,
# including exporters configured from the environment.
NO_TELEMETRY = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "auto_configure": False,
}


class CrampcoachApp(FastAPI):
    """FastAPI with the Gatekeeper outermost: around the framework's own error handling
    too, so that every response (a 500 included) passes it."""

    def build_middleware_stack(self) -> ASGIApp:
        return Gatekeeper(
            super().build_middleware_stack(), gate=self.state.gate, hosts=self.state.hosts
        )


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("crampcoach.web") / name))


def _telemetry_off() -> dict[str, object]:
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters:
        return {"telemetry": NO_TELEMETRY}
    return {}


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    gate: Gate | None = None,
    hosts: HostPolicy | None = None,
    pose_factory: PoseFactory | None = None,
    live_limits: LiveLimits | None = None,
    warm_up: bool = False,
) -> FastAPI:
    """Build the app. ``store`` is the diary's database (by default the one the settings
    name, opened now and closed when the app shuts down; a store passed in stays its
    caller's to close); ``gate`` decides who may use it (no password on loopback by default);
    ``hosts`` which `Host` names it answers to (loopback names on any port by default);
    ``pose_factory`` makes the live camera's pose model (MediaPipe Pose by default);
    ``live_limits`` bound the live cameras (how many at once, how long a socket may keep
    silent); ``warm_up`` (the real server) imports the heavy libraries and works out the
    Insights summary in the background once the server is ready."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm_up:  # the server is ready: warm what /insights and /report.pdf need
            start_warm_up(
                import_heavy_libraries,
                lambda: app.state.insights.view(app.state.store),
            )
        yield
        app.state.pose_pool.close()
        if store is None:  # the app opened it
            app.state.store.close()

    app = CrampcoachApp(
        lifespan=lifespan,
        title="crampcoach",
        version=__version__,
        description="A coach for night ankle and leg cramps: routines, sessions and a diary.",
        docs_url=None,  # served by routes/api_docs.py from an installed package
        redoc_url=None,
        openapi_url="/api/openapi.json",
        dependencies=[Depends(verify_csrf)],
        **_telemetry_off(),
    )
    app.state.settings = settings
    app.state.store = store or open_store(settings)
    app.state.gate = gate or Gate(password_hash=None)
    app.state.hosts = hosts or HostPolicy.for_server()
    app.state.pose_factory = pose_factory or default_pose_factory
    limits = app.state.live_limits = live_limits or LiveLimits()
    app.state.pose_pool = PosePool(  # models made on the first camera, reused, closed idle
        app.state.pose_factory, size=limits.max_cameras, idle_close_s=limits.model_idle_s
    )
    app.state.live_figures = FigureBook()  # camera figures waiting for their session's save
    app.state.live_connections = 0
    app.state.insights = InsightsCache()  # the Insights summary, kept until the diary changes
    app.state.today = TodayCache()  # the Today page's nights and trial, the same way
    templates = Jinja2Templates(directory=_package_dir("templates"))
    templates.env.filters["minutes"] = minutes_text
    templates.env.filters["count"] = count_of  # {{ n|count("night") }}: "1 night", "2 nights"
    templates.env.globals["version"] = __version__
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")
    app.mount(api_docs.ASSETS, api_docs.assets(), name="api-docs-assets")

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
        body = body.replace(b"__CRAMPCOACH_VERSION__", __version__.encode())  # its cache's name
        return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    return app
