"""/api/profile: the profile (zone, bedtime, medicines, conditions) and preferences."""

from __future__ import annotations

from fastapi import APIRouter

from crampcoach.errors import DiaryError
from crampcoach.services.preferences import (
    SettingsView,
    effective_preferences,
    read_settings,
    update_settings,
)
from crampcoach.services.storage import Store
from crampcoach.settings import Settings
from crampcoach.web.deps import SettingsDep, StoreDep
from crampcoach.web.episode_api import unprocessable
from crampcoach.web.schemas import PreferencesPublic, ProfilePublic, ProfileUpdate

router = APIRouter(prefix="/api/profile", tags=["profile"])


def _public(view: SettingsView, store: Store, settings: Settings) -> ProfilePublic:
    effective = effective_preferences(store, settings)
    return ProfilePublic(
        saved=view.saved,
        **view.profile.model_dump(),
        **view.preferences.model_dump(),
        effective=PreferencesPublic(**effective._asdict()),
    )


@router.get("", response_model=ProfilePublic)
def get_profile(store: StoreDep, settings: SettingsDep) -> ProfilePublic:
    """The profile (the computer's zone until one is saved) and the preferences."""
    return _public(read_settings(store), store, settings)


@router.put("", response_model=ProfilePublic)
def put_profile(store: StoreDep, settings: SettingsDep, data: ProfileUpdate) -> ProfilePublic:
    """Change the fields given (all validated first, saved together)."""
    try:
        view = update_settings(store, data.model_dump(exclude_unset=True))
    except DiaryError as exc:
        unprocessable(exc)
    return _public(view, store, settings)
