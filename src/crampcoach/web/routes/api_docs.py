"""/api/docs: the API's Swagger UI (version 5: FastAPI writes OpenAPI 3.1), served from
an installed package (fastapi-offline's copy of the Swagger UI files) under the app's own
Content-Security-Policy: no CDN, no inline script. The page loads the bundle from
/api/docs/assets/ and starts it from /static/api-docs.js."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)
ASSETS = "/api/docs/assets"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>crampcoach API</title>
<link rel="icon" type="image/png" href="/static/icons/icon-192.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec="/api/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


def assets() -> StaticFiles:
    """The Swagger UI files of the installed fastapi-offline (only its files are used)."""
    return StaticFiles(directory=Path(str(resources.files("fastapi_offline") / "static")))


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(PAGE)
