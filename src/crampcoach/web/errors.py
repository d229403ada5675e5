"""Errors as the person sees them: JSON with a message under /api, a page elsewhere."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from crampcoach.errors import UserError

TITLES = {
    400: "That request was not understood",
    401: "Please log in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    422: "Something in that request is not right",
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get(
        "accept", ""
    )


def _page(request: Request, status: int, message: str) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"page": "error", "title": TITLES.get(status, "Something went wrong"), "message": message},
        status_code=status,
    )


def _field_message(error: dict) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query"))
    return f"{where}: {error.get('msg', 'is not valid')}" if where else error.get("msg", "")


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return _page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        message = "; ".join(_field_message(e) for e in errors[:3])
        if _wants_json(request):
            detail = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                for e in errors
            ]
            return JSONResponse({"detail": detail, "message": message}, status_code=422)
        return _page(request, 422, message)

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        return _page(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Never a traceback to the person; the server log keeps the details.
        if _wants_json(request):
            return JSONResponse({"detail": "internal error"}, status_code=500)
        return HTMLResponse("<h1>Something went wrong</h1>", status_code=500)
