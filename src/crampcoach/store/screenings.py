"""Repository of red-flag screenings: each result kept as it was given."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcoach.safety import ScreeningResult
from crampcoach.store.models import ScreeningRow


@dataclass(frozen=True)
class StoredScreening:
    id: str
    taken_at: datetime
    result: ScreeningResult


def add_screening(*, db: Session, result: ScreeningResult, now: datetime) -> StoredScreening:
    row = ScreeningRow(
        id=str(uuid.uuid4()), taken_at=now, level=result.level, result=result.to_dict()
    )
    db.add(row)
    db.flush()
    return StoredScreening(row.id, row.taken_at, result)


def latest_screening(*, db: Session) -> StoredScreening | None:
    query = select(ScreeningRow).order_by(ScreeningRow.taken_at.desc(), ScreeningRow.id.desc())
    row = db.scalars(query.limit(1)).first()
    if row is None:
        return None
    return StoredScreening(row.id, row.taken_at, ScreeningResult.from_dict(row.result))
