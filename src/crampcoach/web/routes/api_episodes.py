"""/api/episodes: the cramp diary as JSON (list, log, read, change, delete, undo)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Response

from crampcoach.diary.duplicates import LikelyDuplicate
from crampcoach.diary.models import EpisodeFilter
from crampcoach.diary.paging import MAX_PAGE_SIZE, parse_page_key
from crampcoach.diary.validation import build
from crampcoach.errors import DiaryError
from crampcoach.services import diary
from crampcoach.web.deps import StoreDep
from crampcoach.web.episode_api import find, public, unprocessable
from crampcoach.web.idempotency import REPEATED, IdempotencyKeyDep
from crampcoach.web.schemas import EpisodeIn, EpisodePatch, EpisodePublic, Leg

router = APIRouter(prefix="/api/episodes", tags=["episodes"])
NOTHING_TO_UNDO = {
    403: {"description": "Sent as a form without the CSRF token: send JSON or X-CSRF-Token."},
    404: {"description": "No deleted entry to bring back."},
}
PAGED = {
    200: {
        "description": "A page of entries; `X-Next-Cursor` and `Link` name the next page.",
        "headers": {
            "X-Next-Cursor": {"description": "`before` for the next, older page."},
            "Link": {"description": 'The next page\'s URL, rel="next".'},
        },
    }
}
UNKNOWN_ID = {404: {"description": "No live entry with this id."}}


@router.get("", response_model=list[EpisodePublic], responses=PAGED)
def list_episodes(
    store: StoreDep,
    response: Response,
    night_from: date | None = Query(None, alias="from", description="First night."),
    night_to: date | None = Query(None, alias="to", description="Last night."),
    leg: Leg | None = None,
    min_severity: int | None = Query(None, ge=0, le=10),
    limit: int = Query(100, ge=1, le=MAX_PAGE_SIZE, description="At most this many."),
    before: str | None = Query(
        None,
        max_length=64,
        description="Start the page just before this position (the X-Next-Cursor of the "
        "page before); without it, the newest entries.",
    ),
) -> list[EpisodePublic]:
    """A page of live entries, oldest first: the newest `limit` entries, or the newest
    `limit` before `before`. When there are older ones, `X-Next-Cursor` gives the `before`
    of the next page and `Link` its URL."""
    try:
        fields = {"night_from": night_from, "night_to": night_to, "leg": leg}
        where = build(EpisodeFilter, {**fields, "min_severity": min_severity})
        key = parse_page_key(before) if before else None
    except DiaryError as exc:
        unprocessable(exc)
    episodes, next_key = diary.page_of_episodes(store, where, before=key, size=limit)
    if next_key is not None:
        cursor = next_key.text()
        query = {k: v for k, v in (("from", night_from), ("to", night_to), ("leg", leg)) if v}
        query.update({"min_severity": min_severity, "limit": limit, "before": cursor})
        link = urlencode({k: str(v) for k, v in query.items() if v is not None})
        response.headers["X-Next-Cursor"] = cursor
        response.headers["Link"] = f'</api/episodes?{link}>; rel="next"'
    return [public(e) for e in reversed(episodes)]


LIKELY_DUPLICATE = {
    409: {
        "description": "A cramp of the same leg is logged within 10 minutes: send it "
        "again with allow_duplicate true if it is another cramp."
    }
}


@router.post(
    "",
    response_model=EpisodePublic,
    status_code=201,
    responses={**REPEATED, **LIKELY_DUPLICATE},
)
def log_episode(
    store: StoreDep, data: EpisodeIn, response: Response, key: IdempotencyKeyDep
) -> EpisodePublic:
    """Log a cramp; it is on disk when the answer comes. With an `Idempotency-Key`, a
    repeat (also one arriving at the same moment) gets the entry stored the first time,
    with 200, and nothing is added."""
    zone = data.zone or diary.user_zone(store)
    minutes = data.minutes
    if minutes is None and data.duration_s is not None:
        minutes = data.duration_s / 60
    try:
        logged = diary.log_cramp_once(
            store,
            started_at=data.started_at,  # naive: a wall-clock time in `zone`
            zone=zone,
            leg=data.leg,
            place=data.place,
            severity=data.severity,
            minutes=minutes,
            woke=data.woke,
            helped=data.helped,
            tags=data.tags,
            pain_after=data.pain_after,
            notes=data.notes,
            client_key=key,
            allow_duplicate=data.allow_duplicate,
        )
    except LikelyDuplicate as exc:
        raise HTTPException(status_code=409, detail=f"started_at: {exc.reason}") from None
    except DiaryError as exc:
        unprocessable(exc)
    if not logged.new:
        response.status_code = 200
    return public(logged.episode)


@router.post("/undo", response_model=EpisodePublic, responses=NOTHING_TO_UNDO)
def undo_delete(store: StoreDep) -> EpisodePublic:
    """Bring back the most recently deleted entry."""
    try:
        return public(diary.undo_delete(store))
    except DiaryError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/{episode_id}", response_model=EpisodePublic, responses=UNKNOWN_ID)
def get_episode(store: StoreDep, episode_id: str) -> EpisodePublic:
    return public(find(store, episode_id))


@router.patch("/{episode_id}", response_model=EpisodePublic, responses=UNKNOWN_ID)
def edit_episode(store: StoreDep, episode_id: str, data: EpisodePatch) -> EpisodePublic:
    """Change the fields given; the others keep their values."""
    current = find(store, episode_id)
    changes = data.model_dump(exclude={"started_at", "minutes", "duration_s"})
    minutes = data.minutes
    if data.duration_s is not None:
        minutes = data.duration_s / 60
    try:
        episode = diary.edit_episode(
            store,
            current.id,
            started_at=data.started_at,
            minutes=minutes,
            **changes,
        )
    except DiaryError as exc:
        unprocessable(exc)
    return public(episode)


@router.delete("/{episode_id}", response_model=EpisodePublic, responses=UNKNOWN_ID)
def delete_episode(store: StoreDep, episode_id: str) -> EpisodePublic:
    """Delete an entry; POST /api/episodes/undo brings it back."""
    current = find(store, episode_id)
    return public(diary.delete_episode(store, current.id))
