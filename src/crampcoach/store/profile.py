"""Repository of the one profile row: time zone, bedtime, medicines, conditions, and the
preferences kept on it (default leg, tempo, voice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcoach.diary.models import Profile
from crampcoach.diary.preferences import Preferences
from crampcoach.store.database import Store
from crampcoach.store.models import DiaryVersionRow, ProfileRow
from crampcoach.store.new_rows import insert_new

PROFILE_ID = 1

_STANDING = (
    select(
        DiaryVersionRow.version,
        ProfileRow.timezone,
        ProfileRow.default_leg,
        ProfileRow.tempo_s,
        ProfileRow.voice,
    )
    .select_from(DiaryVersionRow)
    .outerjoin(ProfileRow, ProfileRow.id == PROFILE_ID)
    .where(DiaryVersionRow.id == 1)
)


@dataclass(frozen=True)
class Standing:
    """What nearly every page reads first: the diary's version (what caches are kept
    against), the profile's time zone (None: no profile yet) and the stored preferences."""

    version: int
    timezone: str | None
    preferences: Preferences


def read_standing(store: Store) -> Standing:
    """The version, zone and preferences in one query (one small read, not three)."""
    with store.engine.connect() as connection:
        row = connection.execute(_STANDING).one()
    preferences = Preferences.model_construct(
        default_leg=row.default_leg, tempo_s=row.tempo_s, voice=row.voice
    )
    return Standing(int(row.version), row.timezone, preferences)


def get_profile(*, db: Session) -> Profile | None:
    row = db.get(ProfileRow, PROFILE_ID)
    if row is None:
        return None
    return Profile.model_construct(
        timezone=row.timezone,
        country=row.country,
        bedtime=row.bedtime,
        medicines=list(row.medicines),
        conditions=list(row.conditions),
    )


def set_profile(*, db: Session, profile: Profile, now: datetime) -> Profile:
    row = db.get(ProfileRow, PROFILE_ID)
    if row is None:
        row = ProfileRow(id=PROFILE_ID)
        db.add(row)
    row.timezone = profile.timezone
    row.country = profile.country
    row.bedtime = profile.bedtime
    row.medicines = list(profile.medicines)
    row.conditions = list(profile.conditions)
    row.updated_at = now
    db.flush()
    return profile


def add_profile_if_missing(*, db: Session, profile: Profile, now: datetime) -> bool:
    """Store `profile` when there is none yet (also when another import is adding one at
    the same moment: the first one wins); returns whether this one was stored."""
    row = {
        "id": PROFILE_ID,
        "timezone": profile.timezone,
        "country": profile.country,
        "bedtime": profile.bedtime,
        "medicines": list(profile.medicines),
        "conditions": list(profile.conditions),
        "updated_at": now,
    }
    return bool(insert_new(db=db, rows=[row], key=ProfileRow.id))


def get_preferences(*, db: Session) -> Preferences:
    """The stored preferences; all unset when there is no profile row yet."""
    row = db.get(ProfileRow, PROFILE_ID)
    if row is None:
        return Preferences()
    return Preferences.model_construct(
        default_leg=row.default_leg, tempo_s=row.tempo_s, voice=row.voice
    )


def set_preferences(*, db: Session, preferences: Preferences, now: datetime) -> Preferences:
    """Store the preferences on the profile row, which must exist (set_profile first)."""
    row = db.get(ProfileRow, PROFILE_ID)
    if row is None:
        raise LookupError("set the profile before its preferences")
    row.default_leg = preferences.default_leg
    row.tempo_s = preferences.tempo_s
    row.voice = preferences.voice
    row.updated_at = now
    db.flush()
    return preferences
