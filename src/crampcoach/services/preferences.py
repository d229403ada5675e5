"""Use cases of the Settings page: the profile and the preferences, read and changed
together, and the effective preferences the routines use (stored, else the default)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from crampcoach.diary.models import Profile
from crampcoach.diary.preferences import Preferences
from crampcoach.diary.validation import build_each
from crampcoach.errors import DiaryError
from crampcoach.services.diary import standing
from crampcoach.services.storage import system_zone, utc_now
from crampcoach.settings import Settings
from crampcoach.store import Store
from crampcoach.store import profile as profile_repo

PROFILE_FIELDS = ("timezone", "country", "bedtime", "medicines", "conditions")
NULLABLE = ("bedtime", "country")  # None clears these (the country then follows the zone)
PREFERENCE_FIELDS = ("default_leg", "tempo_s", "voice")


class EffectivePreferences(NamedTuple):
    leg: str
    tempo_s: float
    voice: bool


class SettingsView(NamedTuple):
    profile: Profile
    preferences: Preferences
    saved: bool  # False until a profile has been stored


def effective_preferences(
    store: Store, settings: Settings, known: profile_repo.Standing | None = None
) -> EffectivePreferences:
    """(leg, tempo_s, voice): each stored preference if set, else the settings default
    (the stored ones from `known` when read already)."""
    stored = (known or standing(store)).preferences
    return EffectivePreferences(
        leg=stored.default_leg or settings.leg,
        tempo_s=stored.tempo_s if stored.tempo_s is not None else settings.tempo_s,
        voice=stored.voice if stored.voice is not None else settings.voice,
    )


def read_settings(store: Store) -> SettingsView:
    with store.read() as db:
        profile = profile_repo.get_profile(db=db)
        preferences = profile_repo.get_preferences(db=db)
    if profile is None:
        return SettingsView(Profile(timezone=system_zone()), preferences, saved=False)
    return SettingsView(profile, preferences, saved=True)


def _check(changes: Mapping[str, Any]) -> None:
    """Only known settings; their values are checked by the Profile and Preferences models."""
    unknown = sorted(set(changes) - set(PROFILE_FIELDS) - set(PREFERENCE_FIELDS))
    if unknown:
        raise DiaryError("not a setting", field=unknown[0])


def update_settings(
    store: Store, changes: Mapping[str, Any], *, now: datetime | None = None
) -> SettingsView:
    """Change the given profile fields and preferences (None clears bedtime or a
    preference). Everything is validated before anything is written, in one transaction."""
    _check(changes)
    now = now or utc_now()
    with store.write() as db:
        current = profile_repo.get_profile(db=db)
        profile_fields = current.model_dump() if current else {"timezone": system_zone()}
        for field in PROFILE_FIELDS:
            if field in changes and (changes[field] is not None or field in NULLABLE):
                value = changes[field]
                profile_fields[field] = list(value) if isinstance(value, list | tuple) else value
        for field in NULLABLE:
            if profile_fields.get(field) == "":
                profile_fields[field] = None
        preference_fields = profile_repo.get_preferences(db=db).model_dump()
        preference_fields.update({k: changes[k] for k in PREFERENCE_FIELDS if k in changes})
        profile, preferences = build_each(
            (Profile, profile_fields), (Preferences, preference_fields)
        )
        profile_repo.set_profile(db=db, profile=profile, now=now)
        profile_repo.set_preferences(db=db, preferences=preferences, now=now)
    return SettingsView(profile, preferences, saved=True)
