"""The tables (SQLAlchemy 2, typed). Every change here needs an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from crampcoach.store.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class EpisodeRow(Base):
    __tablename__ = "episodes"
    __table_args__ = (
        CheckConstraint("severity BETWEEN 0 AND 10", name="ck_episodes_severity"),
        CheckConstraint("duration_s >= 0", name="ck_episodes_duration"),
        CheckConstraint("leg IN ('left', 'right', 'both')", name="ck_episodes_leg"),
        CheckConstraint("place IN ('foot', 'ankle', 'calf', 'thigh')", name="ck_episodes_place"),
        CheckConstraint(
            "pain_after IS NULL OR pain_after BETWEEN 0 AND 10", name="ck_episodes_pain_after"
        ),
        Index("ix_episodes_night", "night"),
        Index("ix_episodes_started_at", "started_at"),
        Index("ix_episodes_deleted_at", "deleted_at"),
        Index("ux_episodes_client_key", "client_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    zone: Mapped[str] = mapped_column(String(64))
    night: Mapped[date] = mapped_column(Date)
    duration_s: Mapped[int | None] = mapped_column(Integer)  # None: not known (0008)
    leg: Mapped[str] = mapped_column(String(8))
    place: Mapped[str] = mapped_column(String(8))
    severity: Mapped[int] = mapped_column(Integer)
    woke: Mapped[bool]
    helped: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the idempotency key the page made for this entry (migration 0007): a copy sent again
    # (after the phone was offline) finds it and adds nothing
    client_key: Mapped[str | None] = mapped_column(String(64))


class RoutineSessionRow(Base):
    __tablename__ = "routine_sessions"
    __table_args__ = (
        Index("ix_routine_sessions_started_at", "started_at"),
        Index("ux_routine_sessions_client_key", "client_key", unique=True),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    routine_name: Mapped[str] = mapped_column(String(100))
    routine_version: Mapped[int] = mapped_column(Integer)
    routine_title: Mapped[str] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(40))
    leg: Mapped[str] = mapped_column(String(8))
    tempo_s: Mapped[float] = mapped_column(Float)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime())
    zone: Mapped[str] = mapped_column(String(64))
    night: Mapped[date] = mapped_column(Date)
    completed: Mapped[bool]
    client_key: Mapped[str | None] = mapped_column(String(64))  # as episodes' (0007)
    steps: Mapped[list[RoutineStepRow]] = relationship(
        back_populates="session",
        order_by="RoutineStepRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class RoutineStepRow(Base):
    __tablename__ = "routine_session_steps"

    session_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("routine_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    exercise_id: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40))
    leg: Mapped[str | None] = mapped_column(String(8))
    planned: Mapped[float] = mapped_column(Float)
    done: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    # what the camera saw (migration 0003): None when the camera was off for the step
    camera_done: Mapped[float | None] = mapped_column(Float)
    camera_range_deg: Mapped[float | None] = mapped_column(Float)
    camera_seen: Mapped[float | None] = mapped_column(Float)
    session: Mapped[RoutineSessionRow] = relationship(back_populates="steps")


class ProfileRow(Base):
    __tablename__ = "profile"
    __table_args__ = (CheckConstraint("id = 1", name="ck_profile_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))  # migration 0008
    bedtime: Mapped[str | None] = mapped_column(String(5))
    medicines: Mapped[list[str]] = mapped_column(JSON)
    conditions: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # preferences (migration 0002): unset means "use the settings default"
    default_leg: Mapped[str | None] = mapped_column(String(8))
    tempo_s: Mapped[float | None] = mapped_column(Float)
    voice: Mapped[bool | None]


class TrialRow(Base):
    """A personal N-of-1 trial: the five numbers its plan is rebuilt from (migration 0004)."""

    __tablename__ = "trials"
    __table_args__ = (
        CheckConstraint("pairs >= 1", name="ck_trials_pairs"),
        CheckConstraint("block_days >= 1", name="ck_trials_block_days"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    start: Mapped[date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(BigInteger)
    baseline_days: Mapped[int] = mapped_column(Integer)
    block_days: Mapped[int] = mapped_column(Integer)
    pairs: Mapped[int] = mapped_column(Integer)
    washout_days: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScreeningRow(Base):
    """A red-flag screening the person took, with its result as it was (migration 0004)."""

    __tablename__ = "screenings"
    __table_args__ = (Index("ix_screenings_taken_at", "taken_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    level: Mapped[str | None] = mapped_column(String(24))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class DiaryVersionRow(Base):
    """One number that every write raises (migration 0005): what is derived from the diary
    is kept until it changes."""

    __tablename__ = "diary_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_diary_version_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class DeviceRow(Base):
    """A phone or browser paired by QR code (migration 0006): its login is a random token
    kept in its cookie; only the token's SHA-256 is stored."""

    __tablename__ = "devices"
    __table_args__ = (Index("ux_devices_token_hash", "token_hash", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
