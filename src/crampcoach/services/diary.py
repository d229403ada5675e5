"""Use cases of the cramp diary: log, list, edit, delete and undo, and the profile.

Each takes the open store plus plain inputs (moments as aware datetimes: the front ends
read the text a person typed with `crampcoach.diary.when.parse_at`); the CLI and the web
app call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from crampcoach.diary.bounds import MAX_MINUTES
from crampcoach.diary.duplicates import DUPLICATE_WINDOW, LikelyDuplicate, likely_duplicate
from crampcoach.diary.models import Episode, EpisodeCreate, EpisodeFilter, EpisodeUpdate, Profile
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.paging import PAGE_SIZE, PageKey
from crampcoach.diary.validation import build
from crampcoach.diary.when import check_not_future, in_zone
from crampcoach.errors import DiaryError
from crampcoach.safety import should_offer_screening
from crampcoach.services.storage import system_zone, utc_now
from crampcoach.store import Store
from crampcoach.store import episodes as episode_repo
from crampcoach.store import profile as profile_repo


@dataclass(frozen=True)
class Night:
    night: date
    episodes: list[Episode]


def get_profile(store: Store) -> Profile | None:
    with store.read() as db:
        return profile_repo.get_profile(db=db)


def standing(store: Store) -> profile_repo.Standing:
    """The diary's version, the profile's zone and the preferences, read at once."""
    return profile_repo.read_standing(store)


def user_zone(store: Store, known: profile_repo.Standing | None = None) -> str:
    """The profile's time zone, else this computer's (from `known` when read already)."""
    return (known or standing(store)).timezone or system_zone()


def set_profile(
    store: Store,
    *,
    timezone: str | None = None,
    country: str | None = None,
    bedtime: str | None = None,
    medicines: Sequence[str] | None = None,
    conditions: Sequence[str] | None = None,
) -> Profile:
    """Change the given profile fields; the rest keep their values (a country of "" goes
    back to the one the time zone is in)."""
    current = get_profile(store)
    fields: dict[str, Any] = current.model_dump() if current else {"timezone": system_zone()}
    changes = {"timezone": timezone, "bedtime": bedtime, "medicines": medicines}
    changes.update(conditions=conditions, country=country)
    fields.update(
        {
            k: (list(v) if isinstance(v, list | tuple) else v)
            for k, v in changes.items()
            if v is not None
        }
    )
    for blank_is_none in ("bedtime", "country"):
        if fields.get(blank_is_none) == "":
            fields[blank_is_none] = None
    profile = build(Profile, fields)
    with store.write() as db:
        return profile_repo.set_profile(db=db, profile=profile, now=utc_now())


def _minutes_to_seconds(minutes: float | None) -> int | None:
    """Minutes as seconds; None when not known (left out of the length statistics)."""
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int | float):
        raise DiaryError(f"give the minutes it lasted, from 0 to {MAX_MINUTES}", field="minutes")
    if not 0 <= minutes <= MAX_MINUTES:  # also NaN
        raise DiaryError(
            f"give the minutes it lasted, from 0 to {MAX_MINUTES} (got {minutes:g})",
            field="minutes",
        )
    return round(minutes * 60)


@dataclass(frozen=True)
class Logged:
    """A cramp as stored, and whether this call stored it (False: a copy sent before
    under the same client key was stored then; nothing was added now)."""

    episode: Episode
    new: bool

    @property
    def offer_screening(self) -> bool:
        """Offer the red-flag questions now: a new cramp that was severe or long (the one
        rule, `safety.should_offer_screening`, for every front end)."""
        return self.new and should_offer_screening(self.episode)


def log_cramp(store: Store, **fields: Any) -> Episode:
    """Validate everything, then save one cramp; returns it once it is on disk. Takes the
    keyword arguments of `log_cramp_once`, `client_key` among them."""
    return log_cramp_once(store, **fields).episode


def log_cramp_once(
    store: Store,
    *,
    leg: str,
    place: str,
    severity: int,
    minutes: float | None = None,
    started_at: datetime | None = None,
    woke: bool = True,
    helped: Sequence[str] = (),
    tags: Sequence[str] = (),
    pain_after: int | None = None,
    notes: str = "",
    zone: str | None = None,
    now: datetime | None = None,
    client_key: str | None = None,
    allow_duplicate: bool = False,
) -> Logged:
    """Validate everything, then save one cramp, once: `client_key` is the idempotency
    key a page made for this entry (the web layer checks it: 16 to 64 letters, digits,
    '-' or '_'); when an entry was stored under it before, that entry comes back (with
    `new` False) and nothing is added. A copy sent again (a phone that was offline, two
    tabs) therefore never doubles an entry. A cramp of the same leg within ten minutes of
    one already logged raises LikelyDuplicate unless `allow_duplicate`. `started_at`
    (None: now; a naive one is a wall-clock time in `zone`) is kept as the wall-clock
    time in `zone`."""
    now = now or utc_now()
    zone = zone or user_zone(store)
    started_at = in_zone(started_at or now, zone)
    check_not_future(started_at, now=now)
    data = build(
        EpisodeCreate,
        {
            "started_at": started_at,
            "zone": zone,
            "duration_s": _minutes_to_seconds(minutes),
            "leg": leg,
            "place": place,
            "severity": severity,
            "woke": woke,
            "helped": list(helped),
            "tags": list(tags),
            "pain_after": pain_after,
            "notes": notes,
        },
    )
    with store.write() as db:
        if client_key is not None:
            earlier = episode_repo.episode_by_client_key(db=db, client_key=client_key)
            if earlier is not None:  # this very entry, sent again
                return Logged(earlier, False)
        if not allow_duplicate:
            near = episode_repo.episodes_between(
                db=db,
                start=started_at - DUPLICATE_WINDOW,
                end=started_at + DUPLICATE_WINDOW,
            )
            same = likely_duplicate(leg=data.leg, started_at=data.started_at, entries=near)
            if same is not None:
                raise LikelyDuplicate(same, data.started_at)
        episode, new = episode_repo.insert_episode(db=db, data=data, now=now, client_key=client_key)
    return Logged(episode, new)


def list_episodes(store: Store, where: EpisodeFilter | None = None) -> list[Episode]:
    with store.read() as db:
        return episode_repo.list_episodes(db=db, where=where)


def recent_filter(
    store: Store,
    *,
    nights: int | None = None,
    night_from: date | None = None,
    night_to: date | None = None,
    now: datetime | None = None,
    **conditions: Any,
) -> EpisodeFilter:
    """A filter for the last `nights` nights (up to tonight) unless dates are given."""
    if nights is not None and night_from is None:
        tonight = night_in_zone(now or utc_now(), user_zone(store))
        night_from = tonight - timedelta(days=nights - 1)
    return build(EpisodeFilter, {"night_from": night_from, "night_to": night_to, **conditions})


@dataclass(frozen=True)
class Page:
    """A page of the diary, newest first, with the tally of everything the filter finds."""

    nights: list[Night]  # newest night first, each night's entries oldest first
    next_key: PageKey | None  # where the next, older page starts; None on the last page
    entries: int  # all that the filter finds, on every page
    night_count: int
    worst: int | None


def page_of_episodes(
    store: Store, where: EpisodeFilter, *, before: PageKey | None = None, size: int = PAGE_SIZE
) -> tuple[list[Episode], PageKey | None]:
    """Up to `size` entries newest first, starting just before `before`, and where the next
    (older) page starts (None on the last page)."""
    with store.read() as db:
        return episode_repo.page_of_episodes(db=db, where=where, size=size, before=before)


def diary_page(
    store: Store, where: EpisodeFilter, *, before: PageKey | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of entries, newest first, starting just before `before`."""
    with store.read() as db:
        episodes, next_key = episode_repo.page_of_episodes(
            db=db, where=where, size=size, before=before
        )
        entries, night_count, worst = episode_repo.tally_episodes(db=db, where=where)
    grouped: dict[date, list[Episode]] = {}
    for episode in reversed(episodes):
        grouped.setdefault(episode.night, []).append(episode)
    nights = [Night(night, items) for night, items in sorted(grouped.items(), reverse=True)]
    return Page(nights, next_key, entries, night_count, worst)


def list_nights(store: Store, where: EpisodeFilter | None = None) -> list[Night]:
    """The entries grouped by the night they belong to, oldest night first."""
    grouped: dict[date, list[Episode]] = {}
    for episode in list_episodes(store, where):
        grouped.setdefault(episode.night, []).append(episode)
    return [Night(night, items) for night, items in sorted(grouped.items())]


def get_episode(store: Store, episode_id: str) -> Episode:
    with store.read() as db:
        return episode_repo.get_episode(db=db, episode_id=episode_id)


def edit_episode(
    store: Store,
    episode_id: str,
    *,
    started_at: datetime | None = None,
    minutes: float | None = None,
    now: datetime | None = None,
    **changes: Any,
) -> Episode:
    """Change the given fields of an entry (leg, place, severity, woke, helped, tags,
    pain_after, notes, zone; `started_at` and `minutes` as for logging)."""
    now = now or utc_now()
    current = get_episode(store, episode_id)
    fields = {key: value for key, value in changes.items() if value is not None}
    if started_at is not None:
        fields["started_at"] = in_zone(started_at, fields.get("zone", current.zone))
        check_not_future(fields["started_at"], now=now)
    if minutes is not None:
        fields["duration_s"] = _minutes_to_seconds(minutes)
    if not fields:
        raise DiaryError("nothing to change: give at least one field to edit")
    data = build(EpisodeUpdate, fields)
    with store.write() as db:
        return episode_repo.update_episode(db=db, episode_id=current.id, data=data, now=now)


def delete_episode(store: Store, episode_id: str, *, now: datetime | None = None) -> Episode:
    """Hide an entry; `undo_delete` brings back the most recent deletion first."""
    with store.write() as db:
        return episode_repo.delete_episode(
            db=db, episode_id=episode_id, now=now or datetime.now(UTC)
        )


def undo_delete(store: Store) -> Episode:
    """Bring back the most recently deleted entry."""
    with store.write() as db:
        restored = episode_repo.restore_last_deleted(db=db)
    if restored is None:
        raise DiaryError("nothing to undo: no deleted entry")
    return restored
