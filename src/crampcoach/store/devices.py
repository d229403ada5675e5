"""Repository of paired devices (phones logged in by a QR code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crampcoach.store.models import DeviceRow


@dataclass(frozen=True)
class StoredDevice:
    id: str
    name: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None


def _stored(row: DeviceRow) -> StoredDevice:
    return StoredDevice(row.id, row.name, row.created_at, row.last_seen_at, row.revoked_at)


def add_device(
    *, db: Session, device_id: str, name: str, token_hash: str, now: datetime
) -> StoredDevice:
    row = DeviceRow(
        id=device_id, name=name, token_hash=token_hash, created_at=now, last_seen_at=now
    )
    db.add(row)
    db.flush()
    return _stored(row)


def device_by_token_hash(*, db: Session, token_hash: str) -> StoredDevice | None:
    row = db.scalars(select(DeviceRow).where(DeviceRow.token_hash == token_hash)).first()
    return _stored(row) if row is not None else None


def mark_seen(*, db: Session, device_id: str, now: datetime) -> None:
    db.execute(update(DeviceRow).where(DeviceRow.id == device_id).values(last_seen_at=now))


def active_devices(*, db: Session) -> list[StoredDevice]:
    query = (
        select(DeviceRow)
        .where(DeviceRow.revoked_at.is_(None))
        .order_by(DeviceRow.created_at.desc(), DeviceRow.id)
    )
    return [_stored(row) for row in db.scalars(query)]


def revoke_device(*, db: Session, device_id: str, now: datetime) -> StoredDevice | None:
    """Revoke an active device; None when there is no such active device."""
    row = db.get(DeviceRow, device_id)
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = now
    db.flush()
    return _stored(row)
