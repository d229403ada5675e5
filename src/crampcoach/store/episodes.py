"""Repository of cramp episodes. Every function takes a keyword-only SQLAlchemy session,
`db` (a "session" in crampcoach is a routine session)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from crampcoach.diary.bounds import MAX_ID_LENGTH, excerpt
from crampcoach.diary.models import Episode, EpisodeCreate, EpisodeFilter, EpisodeUpdate
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.paging import PageKey
from crampcoach.errors import DiaryError, NotFoundError
from crampcoach.store.models import EpisodeRow
from crampcoach.store.new_rows import insert_new

MIN_ID_PREFIX = 4


_COLUMNS = EpisodeRow.__table__  # reads select the table's columns: rows, not ORM objects


def to_episode(row: Any) -> Episode:
    """A stored row (an ORM object or a plain result row: both name their columns) as the
    core's model, its start shown in the person's zone."""
    return Episode.model_construct(
        id=row.id,
        started_at=row.started_at.astimezone(ZoneInfo(row.zone)),
        zone=row.zone,
        night=row.night,
        duration_s=row.duration_s,
        leg=row.leg,
        place=row.place,
        severity=row.severity,
        woke=row.woke,
        helped=list(row.helped),
        tags=list(row.tags),
        pain_after=row.pain_after,
        notes=row.notes,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def create_episode(
    *, db: Session, data: EpisodeCreate, now: datetime, client_key: str | None = None
) -> Episode:
    """Store a new entry (see `insert_episode` for `client_key`)."""
    return insert_episode(db=db, data=data, now=now, client_key=client_key)[0]


def insert_episode(
    *, db: Session, data: EpisodeCreate, now: datetime, client_key: str | None = None
) -> tuple[Episode, bool]:
    """The entry as stored, and whether this call stored it. With a `client_key` (the
    idempotency key the page made for it), an entry already stored under that key is
    returned instead and nothing is added (False), also when the two copies arrive at the
    same moment: the insert skips a key that is taken, waiting for a writer storing it."""
    fields = {
        "id": data.id or str(uuid.uuid4()),
        "night": night_in_zone(data.started_at, data.zone),
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        **data.model_dump(exclude={"id"}),
    }
    if client_key is None:
        row = EpisodeRow(**fields)
        db.add(row)
        db.flush()
        return to_episode(row), True
    row_with_key = {**fields, "client_key": client_key}
    new = bool(insert_new(db=db, rows=[row_with_key], key=EpisodeRow.id))
    stored = episode_by_client_key(db=db, client_key=client_key)
    assert stored is not None  # inserted now, or by the copy that came first
    return stored, new


def episode_by_client_key(*, db: Session, client_key: str) -> Episode | None:
    """The entry stored under this idempotency key (deleted or not), if any."""
    row = db.execute(select(_COLUMNS).where(EpisodeRow.client_key == client_key)).first()
    return to_episode(row) if row is not None else None


def add_episodes(*, db: Session, episodes: Sequence[Episode]) -> set[str]:
    """Insert stored episodes as they are (an import): ids and timestamps kept. An entry
    whose id is already stored (deleted ones included) is left alone, also when another
    import adds it at the same moment; returns the ids really inserted."""
    rows = [episode.model_dump() for episode in episodes]
    return insert_new(db=db, rows=rows, key=EpisodeRow.id)


def _row(db: Session, episode_id: str, *, deleted: bool = False) -> EpisodeRow:
    key = episode_id.strip().lower()
    if len(key) < MIN_ID_PREFIX:
        raise DiaryError(f"give at least {MIN_ID_PREFIX} characters of the id", field="id")
    if len(key) > MAX_ID_LENGTH:  # no stored id is longer: not worth a query
        raise NotFoundError(f"no diary entry with id {excerpt(episode_id)}")
    query = select(EpisodeRow).where(EpisodeRow.id.startswith(key, autoescape=True))
    query = query.where(
        EpisodeRow.deleted_at.is_not(None) if deleted else EpisodeRow.deleted_at.is_(None)
    )
    rows = db.scalars(query.limit(2)).all()
    if not rows:
        raise NotFoundError(f"no diary entry with id {excerpt(episode_id)}")
    if len(rows) > 1:
        reason = f"{excerpt(episode_id)} matches more than one entry; give more of it"
        raise DiaryError(reason, field="id")
    return rows[0]


def get_episode(*, db: Session, episode_id: str) -> Episode:
    """An entry by its id or a unique prefix of it (at least four characters)."""
    return to_episode(_row(db, episode_id))


def update_episode(*, db: Session, episode_id: str, data: EpisodeUpdate, now: datetime) -> Episode:
    row = _row(db, episode_id)
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is not None or field == "pain_after":
            setattr(row, field, value)
    row.night = night_in_zone(row.started_at, row.zone)
    row.updated_at = now
    db.flush()
    return to_episode(row)


def delete_episode(*, db: Session, episode_id: str, now: datetime) -> Episode:
    """Soft delete: the entry is hidden, and `restore_last_deleted` can bring it back."""
    row = _row(db, episode_id)
    row.deleted_at = now
    db.flush()
    return to_episode(row)


def restore_last_deleted(*, db: Session) -> Episode | None:
    query = (
        select(EpisodeRow)
        .where(EpisodeRow.deleted_at.is_not(None))
        .order_by(EpisodeRow.deleted_at.desc(), EpisodeRow.id.desc())
        .limit(1)
    )
    row = db.scalars(query).first()
    if row is None:
        return None
    row.deleted_at = None
    db.flush()
    return to_episode(row)


def list_episodes(*, db: Session, where: EpisodeFilter | None = None) -> list[Episode]:
    """Live entries, oldest first (by start, then id); the newest `limit` when limited."""
    where = where or EpisodeFilter()
    query = _filtered(select(_COLUMNS), where)
    if where.limit is not None:
        newest = query.order_by(EpisodeRow.started_at.desc(), EpisodeRow.id.desc())
        rows = list(db.execute(newest.limit(where.limit)))[::-1]
    else:
        rows = list(db.execute(query.order_by(EpisodeRow.started_at, EpisodeRow.id)))
    return [to_episode(row) for row in rows]


def count_episodes(*, db: Session, include_deleted: bool = False) -> int:
    query = select(func.count()).select_from(EpisodeRow)
    if not include_deleted:
        query = query.where(EpisodeRow.deleted_at.is_(None))
    return int(db.scalar(query) or 0)


def _filtered(query: Any, where: EpisodeFilter) -> Any:
    """`query` narrowed to the live entries `where` asks for."""
    query = query.where(EpisodeRow.deleted_at.is_(None))
    if where.night_from is not None:
        query = query.where(EpisodeRow.night >= where.night_from)
    if where.night_to is not None:
        query = query.where(EpisodeRow.night <= where.night_to)
    if where.leg is not None:
        query = query.where(EpisodeRow.leg == where.leg)
    if where.place is not None:
        query = query.where(EpisodeRow.place == where.place)
    if where.min_severity is not None:
        query = query.where(EpisodeRow.severity >= where.min_severity)
    if where.max_severity is not None:
        query = query.where(EpisodeRow.severity <= where.max_severity)
    return query


def page_of_episodes(
    *, db: Session, where: EpisodeFilter, size: int, before: PageKey | None = None
) -> tuple[list[Episode], PageKey | None]:
    """Up to `size` entries newest first, older than `before` when given, and the key the
    next (older) page starts before (None on the last page). Index-backed: the cost of a
    page does not grow with the diary."""
    query = _filtered(select(_COLUMNS), where)
    if before is not None:
        query = query.where(
            or_(
                EpisodeRow.started_at < before.started_at,
                and_(EpisodeRow.started_at == before.started_at, EpisodeRow.id < before.id),
            )
        )
    query = query.order_by(EpisodeRow.started_at.desc(), EpisodeRow.id.desc()).limit(size + 1)
    rows = list(db.execute(query))
    episodes = [to_episode(row) for row in rows[:size]]
    more = len(rows) > size
    last = episodes[-1] if more else None
    return episodes, (PageKey(last.started_at, last.id) if last else None)


def tally_episodes(*, db: Session, where: EpisodeFilter) -> tuple[int, int, int | None]:
    """(entries, nights, worst severity) of what `where` asks for, counted in the database."""
    query = _filtered(
        select(
            func.count(EpisodeRow.id),
            func.count(func.distinct(EpisodeRow.night)),
            func.max(EpisodeRow.severity),
        ),
        where,
    )
    entries, nights, worst = db.execute(query).one()
    return int(entries), int(nights), worst


def episodes_between(*, db: Session, start: datetime, end: datetime) -> list[Episode]:
    """Live entries that began between `start` and `end` (both included)."""
    query = select(_COLUMNS).where(
        EpisodeRow.deleted_at.is_(None),
        EpisodeRow.started_at >= start,
        EpisodeRow.started_at <= end,
    )
    return [to_episode(row) for row in db.execute(query.order_by(EpisodeRow.started_at))]
