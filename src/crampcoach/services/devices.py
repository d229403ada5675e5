"""Use cases of paired devices: pair one (by the QR code's one-time pairing code, checked
by the web), recognise its cookie, list them, revoke one.

A device's login is a random token (256 bits) that lives only in its cookie; the store
keeps its SHA-256, so a copy of the database logs nobody in. None of these writes change
the diary, so they leave its version (and the caches keyed on it) alone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from crampcoach.errors import NotFoundError
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store import devices as device_repo
from crampcoach.store.devices import StoredDevice

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often
TOKEN_BYTES = 32
MAX_TOKEN_CHARS = 100
NAME_CHARS = 100

_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")
# (pattern in the User-Agent, what it is), first match wins: the order matters
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "Chromebook"),
    ("Macintosh", "Mac"),
    ("Windows", "Windows"),
    ("Linux", "Linux"),
)
_BROWSERS = (
    ("SamsungBrowser", "Samsung Internet"),
    ("EdgiOS", "Edge"),
    ("EdgA", "Edge"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("CriOS", "Chrome"),
    ("FxiOS", "Firefox"),
    ("Firefox", "Firefox"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)


@dataclass(frozen=True)
class PairedDevice:
    device: StoredDevice
    token: str  # for its cookie; never stored


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def device_name(user_agent: str | None) -> str:
    """A name a person recognises, from the User-Agent: "iPhone Safari", "Android Chrome"."""
    agent = user_agent or ""
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    return " ".join(part for part in (system, browser) if part) or "A browser"


def pair_device(
    store: Store, user_agent: str | None, *, now: datetime | None = None
) -> PairedDevice:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.write(diary=False) as db:
        device = device_repo.add_device(
            db=db,
            device_id=str(uuid.uuid4()),
            name=device_name(user_agent)[:NAME_CHARS],
            token_hash=token_hash(token),
            now=now or utc_now(),
        )
    return PairedDevice(device, token)


def recognise_device(
    store: Store, token: str, *, now: datetime | None = None
) -> StoredDevice | None:
    """The unrevoked device this cookie token belongs to, else None; its last_seen_at is
    brought up to date when older than a minute."""
    if not token or len(token) > MAX_TOKEN_CHARS or not _TOKEN.match(token):
        return None
    digest = token_hash(token)
    with store.read() as db:
        device = device_repo.device_by_token_hash(db=db, token_hash=digest)
    if device is None or device.revoked_at is not None:
        return None
    now = now or utc_now()
    if now - device.last_seen_at >= SEEN_EVERY:
        with store.write(diary=False) as db:
            device_repo.mark_seen(db=db, device_id=device.id, now=now)
    return device


def device_login(store: Store) -> Callable[[str], str | None]:
    """What the web's gate asks of a device cookie: the device's id, or None."""

    def device_id(token: str) -> str | None:
        device = recognise_device(store, token)
        return device.id if device is not None else None

    return device_id


def list_devices(store: Store) -> list[StoredDevice]:
    """The devices still paired, newest first."""
    with store.read() as db:
        return device_repo.active_devices(db=db)


def revoke_device(store: Store, device_id: str, *, now: datetime | None = None) -> StoredDevice:
    """Unpair a device: its cookie stops working at its next request."""
    with store.write(diary=False) as db:
        device = device_repo.revoke_device(db=db, device_id=device_id, now=now or utc_now())
    if device is None:
        raise NotFoundError("no such paired device (it may have been revoked already)")
    return device
