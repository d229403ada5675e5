"""Between the JSON API and the diary service: episodes out, errors named by field."""

from __future__ import annotations

from typing import NoReturn

from fastapi import HTTPException

from crampcoach.diary.models import Episode
from crampcoach.diary.text import unstorable
from crampcoach.errors import DiaryError, NotFoundError
from crampcoach.services import diary
from crampcoach.services.storage import Store
from crampcoach.web.schemas import EpisodePublic

MAX_ID_LENGTH = 36
_RENAMED = {"at": "started_at"}  # the service's `at` is the API's `started_at`


def public(episode: Episode) -> EpisodePublic:
    data = episode.model_dump()
    data["minutes"] = None if episode.duration_s is None else round(episode.duration_s / 60, 2)
    return EpisodePublic.model_validate(data)


def not_found(episode_id: str) -> NoReturn:
    raise HTTPException(status_code=404, detail=f"no diary entry with id {episode_id[:40]!r}")


def unprocessable(exc: DiaryError) -> NoReturn:
    """422 whose detail starts with the API's name of the field."""
    if exc.field is None:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    field = _RENAMED.get(exc.field, exc.field)
    raise HTTPException(status_code=422, detail=f"{field}: {exc.reason}") from None


def find(store: Store, episode_id: str) -> Episode:
    """The live entry with exactly this id; 404 for anything else, whatever its shape."""
    key = episode_id.strip().lower()
    if not 4 <= len(key) <= MAX_ID_LENGTH or unstorable(key):
        not_found(episode_id)
    try:
        episode = diary.get_episode(store, key)
    except (NotFoundError, DiaryError):
        not_found(episode_id)
    if episode.id != key:
        not_found(episode_id)
    return episode
