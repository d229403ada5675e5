"""An in-process client for the web app, as a browser on this computer would reach it.

The app answers only to its own host names (a DNS-rebinding defence), so the client
names the server by a loopback address rather than TestClient's "testserver", for
WebSockets too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession
from starlette.types import ASGIApp

from crampcoach.settings import Settings
from crampcoach.web import create_app

BASE_URL = "http://127.0.0.1"
ORIGIN = {"origin": BASE_URL}


class LocalClient(TestClient):
    def websocket_connect(
        self, url: str, subprotocols: Sequence[str] | None = None, **kwargs: Any
    ) -> WebSocketTestSession:
        return super().websocket_connect(
            urljoin(BASE_URL.replace("http", "ws", 1), url), subprotocols, **kwargs
        )


def local_client(app: ASGIApp, **options: Any) -> TestClient:
    return LocalClient(app, base_url=BASE_URL, **options)


def sqlite_settings(tmp_path: Path) -> Settings:
    """Settings for an app on a fresh SQLite diary under `tmp_path`."""
    return Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'c.db'}")


def profiled_client(settings: Settings, **profile: Any) -> TestClient:
    """A loopback client of a new app whose profile is set first (e.g. its time zone);
    redirects are not followed, so a test sees them."""
    client = local_client(create_app(settings), follow_redirects=False)
    assert client.put("/api/profile", json=profile).status_code == 200
    return client
