"""The one gate every request and WebSocket passes, outermost (outside the framework's own
error handling, so its 500s get the headers too):

1. `Host` must be one of the server's own names (web/hosts.py), else 400: no DNS rebinding;
2. a request body must say its length and stay under the cap, else 411 or 413, before a
   byte of it is read;
3. the signed visit cookie is read (web/security.py); without a login, pages redirect to
   /login and the API answers 401; a WebSocket needs our own Origin and, when a login is
   required, a logged-in cookie. On `serve --lan` a paired device's cookie is a login too
   (checked in the database at each request, so revoking it works at once), and this
   computer itself (a loopback peer) needs none;
4. every response leaves with the security headers (and the cookie when it changed); over
   HTTPS also Strict-Transport-Security, except for loopback names (HSTS holds for every
   port of a name, and plain `crampcoach serve` is http://localhost).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crampcoach.web.hosts import HostPolicy, split_host
from crampcoach.web.security import (
    COOKIE,
    DEVICE_COOKIE,
    SECURITY_HEADERS,
    VISIT_LIFETIME_S,
    Gate,
    is_loopback,
)

BODY_LIMIT = 256 * 1024  # the largest form or JSON the app takes (a routine's 5,000 commands)
OPEN_PATHS = ("/login", "/static/", "/manifest.webmanifest", "/sw.js", "/healthz")
OPEN_EXACT = frozenset({"/pair", "/ca.crt", "/ca.mobileconfig"})  # pairing and the public CA
HSTS = (b"strict-transport-security", b"max-age=31536000")
NO_STORE = ("/api/", "/diary")  # personal data: never kept in a cache (and "/" itself)
WEBSOCKET_REFUSED = 1008  # policy violation


@dataclass(frozen=True)
class Refusal:
    status: int
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def _encoded(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


class Gatekeeper:
    def __init__(
        self,
        app: ASGIApp,
        *,
        gate: Gate,
        hosts: HostPolicy,
        body_limit: int = BODY_LIMIT,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.gate = gate
        self.hosts = hosts
        self.body_limit = body_limit
        self.secure = hosts.scheme == "https"
        headers = dict(SECURITY_HEADERS)
        headers.update(extra_headers or {})
        self._headers = _encoded(headers)
        self._header_names = {name for name, _ in self._headers} | {HSTS[0]}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        refusal = self._refusal(scope, headers)
        if refusal is None and scope["type"] == "websocket":
            logged_in, _ = await self._logged_in(scope, headers, self.gate.decode(_cookie(headers)))
            refusal = None if logged_in else Refusal(403, "log in first")
        if refusal is not None:
            await self._refuse(scope, receive, send, refusal)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        await self._http(scope, receive, send, headers)

    async def _logged_in(
        self, scope: Scope, headers: Headers, visit: dict[str, Any] | None
    ) -> tuple[bool, str | None]:
        """(whether this request is logged in, the paired device's id when that is why)."""
        gate = self.gate
        if not gate.login_required or (visit and visit.get("auth")):
            return True, None
        client = scope.get("client")
        if gate.trusts(client[0] if client else None):
            return True, None
        token = _cookie(headers, DEVICE_COOKIE)
        if token is None or gate.devices is None:
            return False, None
        device = await run_in_threadpool(gate.device, token)
        return device is not None, device

    # -- what is refused before the app runs -------------------------------------------
    def _refusal(self, scope: Scope, headers: Headers) -> Refusal | None:
        if not self.hosts.allows(headers.get("host")):
            return Refusal(400, "this server does not answer to that host name")
        if scope["type"] == "websocket":
            return self._websocket_refusal(headers)
        length = headers.get("content-length")
        if length is None:
            if "transfer-encoding" in headers:
                return Refusal(411, "send the body with a Content-Length")
            return None
        if not length.isascii() or not length.isdigit() or len(length) > 15:
            return Refusal(400, "Content-Length is not a number")
        if int(length) > self.body_limit:
            return Refusal(413, f"the body is too large (at most {self.body_limit} bytes)")
        return None

    def _websocket_refusal(self, headers: Headers) -> Refusal | None:
        """A WebSocket carries no CSRF token and any page may open one to us, so its Origin
        must be this server's own (browsers always send it); the login is checked after."""
        origin = headers.get("origin")
        if not origin or origin == "null":
            return Refusal(403, "a WebSocket needs an Origin header naming this server")
        if urlsplit(origin).netloc != headers.get("host"):
            return Refusal(403, "cross-site WebSocket refused")
        return None

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, refusal: Refusal) -> None:
        path = scope.get("path", "")
        body = json.dumps({"detail": refusal.message}).encode()
        kind = b"application/json"
        if scope["type"] == "http" and not path.startswith("/api/"):
            body = f"<!doctype html><title>{refusal.status}</title><p>{refusal.message}</p>"
            body, kind = body.encode(), b"text/html; charset=utf-8"
        headers = [
            (b"content-type", kind),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", b"no-store"),
            *self._headers,
            *_encoded(dict(refusal.headers)),
        ]
        if scope["type"] == "http":
            await send(
                {"type": "http.response.start", "status": refusal.status, "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})
            return
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):
            start = {"type": "websocket.http.response.start", "status": refusal.status}
            await send({**start, "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:
            await send({"type": "websocket.close", "code": WEBSOCKET_REFUSED})

    # -- an admitted HTTP request -------------------------------------------------------
    async def _http(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        gate = self.gate
        data = gate.decode(_cookie(headers))
        fresh = data is None
        if data is None:
            data = gate.new_visit(authenticated=False)
        state: dict[str, Any] = scope.setdefault("state", {})
        state["visit"] = data
        path: str = scope["path"]
        no_store = path == "/" or path.startswith(NO_STORE)
        guard_headers = self._headers
        if self.secure and not _loopback_name(headers.get("host")):
            guard_headers = [*self._headers, HSTS]

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = [h for h in message.get("headers", []) if h[0] not in self._header_names]
                out.extend(guard_headers)
                if no_store and not any(h[0] == b"cache-control" for h in out):
                    out.append((b"cache-control", b"no-store"))
                current = state.get("visit", data)
                if fresh or current is not data or state.get("renew"):
                    out.append((b"set-cookie", self._cookie_header(current)))
                message = {**message, "headers": out}
            await send(message)

        logged_in, device = await self._logged_in(scope, headers, data)
        state["device"] = device
        is_open = path in OPEN_EXACT or path.startswith(OPEN_PATHS)
        if not logged_in and not is_open:
            await self._ask_login(path, send_guarded)
            return
        await self.app(scope, receive, send_guarded)

    async def _ask_login(self, path: str, send: Send) -> None:
        if path.startswith("/api/"):
            body = json.dumps({"detail": "log in first"}).encode()
            start = {"type": "http.response.start", "status": 401}
            headers = [(b"content-type", b"application/json")]
        else:
            body = b""
            start = {"type": "http.response.start", "status": 303}
            headers = [(b"location", f"/login?next={quote(path)}".encode())]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _cookie_header(self, data: dict[str, object]) -> bytes:
        value = self.gate.encode(data)
        parts = [f"{COOKIE}={value}", "HttpOnly", f"Max-Age={VISIT_LIFETIME_S}", "Path=/"]
        parts.append("SameSite=strict")
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")


def _cookie(headers: Headers, wanted: str = COOKIE) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        name, _, value = part.strip().partition("=")
        if name == wanted:
            return value
    return None


def _loopback_name(host: str | None) -> bool:
    parsed = split_host(host or "")
    return parsed is not None and is_loopback(parsed[0])
