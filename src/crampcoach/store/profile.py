"""Repository of the one profile row: time zone, bedtime, medicines, conditions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from crampcoach.diary.models import Profile
from crampcoach.store.models import ProfileRow

PROFILE_ID = 1


def get_profile(*, session: Session) -> Profile | None:
    row = session.get(ProfileRow, PROFILE_ID)
    if row is None:
        return None
    return Profile.model_construct(
        timezone=row.timezone,
        bedtime=row.bedtime,
        medicines=list(row.medicines),
        conditions=list(row.conditions),
    )


def set_profile(*, session: Session, profile: Profile, now: datetime) -> Profile:
    row = session.get(ProfileRow, PROFILE_ID)
    if row is None:
        row = ProfileRow(id=PROFILE_ID)
        session.add(row)
    row.timezone = profile.timezone
    row.bedtime = profile.bedtime
    row.medicines = list(profile.medicines)
    row.conditions = list(profile.conditions)
    row.updated_at = now
    session.flush()
    return profile
