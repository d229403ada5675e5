"""Security for a local web app: loopback by default, a password off loopback, a signed
visit cookie carrying a CSRF token, and strict response headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from crampcoach.errors import UserError
from crampcoach.web.login_throttle import LoginThrottle

# A "visit" is a browser's time with the app (its CSRF token, its login, a flash message),
# kept in this signed cookie; a "session" is a routine session, an "ORM session" the
# database's. The cookie's name stays as browsers already hold it.
COOKIE = "crampcoach_session"
# A paired device's login (serve --lan): Secure, so only ever sent over HTTPS; the
# __Host- prefix makes browsers refuse it unless Secure, Path=/ and without Domain.
DEVICE_COOKIE = "__Host-crampcoach_device"
DEVICE_LIFETIME_S = 400 * 24 * 3600  # the longest browsers keep a cookie
VISIT_LIFETIME_S = 30 * 24 * 3600
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
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # 127.0.0.1 as a dual-stack socket reports it
    return ip.is_loopback


class ServeRefused(UserError):
    """The server will not start as asked (e.g. reachable from the network, no password)."""


MAX_PASSWORD_CHARS = 1024  # longer is wrong without hashing it
MAX_LIVE_SESSIONS = 1000  # logged-in browsers remembered; the oldest is logged out


@dataclass
class Gate:
    """Who may use the app. Without a password hash everyone on loopback may.

    A logged-in cookie names a visit id that the server keeps; logging out (or a new
    password) forgets it, so a copied old cookie no longer works.

    On the home network (`serve --lan`, `lan=True`) a login is required off loopback,
    password or not: a paired device's cookie (checked by `devices`, which gives its id
    or None) or the password when one is set; connections from this computer itself are
    let in as on plain `serve`."""

    password_hash: str | None
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    lan: bool = False
    devices: Callable[[str], str | None] | None = field(default=None, repr=False)
    _hasher: PasswordHasher = field(default_factory=PasswordHasher, repr=False)
    _live: OrderedDict[str, float] = field(default_factory=OrderedDict, repr=False)
    _live_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def for_host(cls, host: str, password: str | None) -> Gate:
        if password is not None and not password.strip():
            password = None
        if not is_loopback(host) and password is None:
            raise ServeRefused(
                f"refusing to serve on {host}: it is reachable from the network. "
                "Use `crampcoach serve --lan` (HTTPS, phones paired by a QR code), set "
                "CRAMPCOACH_PASSWORD to require a login, or use --host 127.0.0.1"
            )
        return cls(PasswordHasher().hash(password) if password else None)

    @classmethod
    def for_lan(
        cls, password: str | None, devices: Callable[[str], str | None] | None = None
    ) -> Gate:
        """The gate of `serve --lan`: pairing is the way in, a password another one."""
        if password is not None and not password.strip():
            password = None
        hashed = PasswordHasher().hash(password) if password else None
        return cls(hashed, lan=True, devices=devices)

    @property
    def login_required(self) -> bool:
        return self.password_hash is not None or self.lan

    def trusts(self, client_host: str | None) -> bool:
        """A connection that needs no login: from this computer, to a --lan server."""
        return self.lan and client_host is not None and is_loopback(client_host)

    def device(self, token: str | None) -> str | None:
        """The paired device a device cookie belongs to (a database read), else None."""
        if not token or self.devices is None:
            return None
        return self.devices(token)

    def check_password(self, attempt: str) -> bool:
        """The expensive check (argon2); callers go through `throttle` first."""
        if self.password_hash is None:
            return not self.login_required  # no password: none is right when one is needed
        if len(attempt) > MAX_PASSWORD_CHARS:
            return False
        try:
            return self._hasher.verify(self.password_hash, attempt)
        except (VerificationError, InvalidHashError):
            return False

    def change_password(self, password: str) -> None:
        """A new password: every logged-in visit ends."""
        self.password_hash = self._hasher.hash(password)
        with self._live_lock:
            self._live.clear()

    # -- the signed cookie ------------------------------------------------------------
    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    def encode(self, data: dict[str, object]) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(data, sort_keys=True).encode()).decode()
        return f"{payload}.{self._sign(payload.encode())}"

    def decode(self, cookie: str | None) -> dict[str, object] | None:
        """The cookie's data when it is ours, unexpired and (when logged in) its visit
        is still live; else None."""
        if not cookie or "." not in cookie or len(cookie) > 4096:
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
        if self.login_required and data.get("auth") and not self._is_live(data.get("sid")):
            return None
        return data

    def _is_live(self, sid: object) -> bool:
        with self._live_lock:
            expires = self._live.get(sid) if isinstance(sid, str) else None
            if expires is None or expires < time.time():
                return False
            self._live.move_to_end(sid)
            return True

    def new_visit(self, *, authenticated: bool) -> dict[str, object]:
        expires = int(time.time()) + VISIT_LIFETIME_S
        data: dict[str, object] = {
            "csrf": secrets.token_urlsafe(24),
            "auth": authenticated or not self.login_required,
            "exp": expires,
        }
        if authenticated and self.login_required:
            sid = secrets.token_urlsafe(24)
            with self._live_lock:
                self._live[sid] = expires
                while len(self._live) > MAX_LIVE_SESSIONS:
                    self._live.popitem(last=False)
            data["sid"] = sid
        return data

    def end_visit(self, data: dict[str, object]) -> None:
        """Log out: the visit's id is forgotten, so its cookie stops working."""
        sid = data.get("sid")
        if isinstance(sid, str):
            with self._live_lock:
                self._live.pop(sid, None)


def needs_csrf_token(method: str, content_type: str) -> bool:
    """Requests a cross-site page could send without a CORS preflight (a POST of a form or
    plain text) must carry the token; JSON, PATCH and DELETE need a preflight we never grant."""
    if method.upper() != "POST":
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "" or media in SIMPLE_TYPES
