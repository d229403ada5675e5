"""Security for a local web app: loopback by default, a password off loopback, a signed
session cookie carrying a CSRF token, and strict response headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crampcoach.errors import UserError

COOKIE = "crampcoach_session"
SESSION_LIFETIME_S = 30 * 24 * 3600
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Content types a cross-site page can POST without a CORS preflight: these need a token.
SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "media-src 'self' blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def is_loopback(host: str) -> bool:
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class ServeRefused(UserError):
    """The server will not start as asked (e.g. reachable from the network, no password)."""


@dataclass
class Gate:
    """Who may use the app. Without a password hash everyone on loopback may."""

    password_hash: str | None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _hasher: PasswordHasher = field(default_factory=PasswordHasher, repr=False)

    @classmethod
    def for_host(cls, host: str, password: str | None) -> Gate:
        if password is not None and not password.strip():
            password = None
        if not is_loopback(host) and password is None:
            raise ServeRefused(
                f"refusing to serve on {host}: it is reachable from the network. "
                "Set CRAMPCOACH_PASSWORD to require a login, or use --host 127.0.0.1"
            )
        return cls(PasswordHasher().hash(password) if password else None)

    @property
    def login_required(self) -> bool:
        return self.password_hash is not None

    def check_password(self, attempt: str) -> bool:
        if self.password_hash is None:
            return True
        try:
            return self._hasher.verify(self.password_hash, attempt)
        except (VerificationError, InvalidHashError):
            return False

    # -- the signed cookie ------------------------------------------------------------
    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def encode(self, data: dict[str, object]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
        return f"{payload}.{self._sign(payload.encode())}"

    def decode(self, cookie: str | None) -> dict[str, object] | None:
        if not cookie or "." not in cookie:
            return None
        payload, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(data, dict) or float(data.get("exp", 0)) < time.time():
            return None
        return data

    def new_session(self, *, authenticated: bool) -> dict[str, object]:
        return {
            "csrf": secrets.token_urlsafe(24),
            "auth": authenticated or not self.login_required,
            "exp": int(time.time()) + SESSION_LIFETIME_S,
        }


def websocket_refusal(
    *, origin: str | None, host: str | None, session: dict[str, object] | None, gate: Gate
) -> str | None:
    """Why a WebSocket handshake is refused, or None to let it in. A WebSocket carries no
    CSRF token and any page may open one to us, so its Origin must be this server's own
    (browsers always send it; other clients must set it), and when a password is set the
    session cookie must be a logged-in one."""
    if not origin or origin == "null":
        return "a WebSocket needs an Origin header naming this server"
    if urlsplit(origin).netloc != (host or ""):
        return "cross-site WebSocket refused"
    if gate.login_required and not (session and session.get("auth")):
        return "log in first"
    return None


def needs_csrf_token(method: str, content_type: str) -> bool:
    """Requests a cross-site page could send without a CORS preflight (a POST of a form or
    plain text) must carry the token; JSON, PATCH and DELETE need a preflight we never grant."""
    if method.upper() != "POST":
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "" or media in SIMPLE_TYPES
