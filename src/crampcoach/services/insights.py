"""Use cases of insights: what the diary says, over the nights it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crampcoach.diary.models import Episode, EpisodeFilter
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.validation import build
from crampcoach.errors import DiaryError, UserError
from crampcoach.insights import DiaryInsights, summarize_diary
from crampcoach.services.diary import user_zone
from crampcoach.services.diary_cache import DiaryCache
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store import episodes as episode_repo
from crampcoach.store import routine_sessions as session_repo


@dataclass(frozen=True)
class DiaryData:
    """The diary over a range of nights: its entries and the nights with the routine."""

    first_night: date
    last_night: date
    episodes: list[Episode]
    routine_nights: set[date]

    @property
    def empty(self) -> bool:
        return not self.episodes and not self.routine_nights


def diary_data(
    store: Store,
    *,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> DiaryData:
    """Entries and routine nights from `first` (default: the first night anything was
    kept) to `last` (default: last night, the one before tonight)."""
    now = now or utc_now()
    if first is not None and last is not None and last < first:
        raise DiaryError(f"{last} is before the first night ({first})", field="last")
    where = build(EpisodeFilter, {"night_from": first, "night_to": last})
    tonight = night_in_zone(now, user_zone(store))
    with store.read() as db:
        routine = session_repo.completed_nights(db=db)
        episodes = episode_repo.list_episodes(db=db, where=where)
    kept = sorted({e.night for e in episodes} | routine)
    end = last or max([tonight - timedelta(days=1), *kept[-1:]])
    start = first or (kept[0] if kept else end)
    if end < start:
        raise UserError(f"no nights between {start} and {end}")
    routine = {night for night in routine if start <= night <= end}
    return DiaryData(start, end, episodes, routine)


@dataclass(frozen=True)
class InsightsView:
    """What the Insights page shows: the diary's range and its summary (None when empty)."""

    data: DiaryData
    summary: DiaryInsights | None


def summarized(
    store: Store,
    *,
    first: date | None = None,
    last: date | None = None,
    now: datetime | None = None,
) -> tuple[DiaryData, DiaryInsights]:
    """The diary's nights first..last (`diary_data`) and what the core makes of them: the
    one way every front end gets its insights."""
    data = diary_data(store, first=first, last=last, now=now)
    summary = summarize_diary(
        data.episodes,
        data.routine_nights,
        first_night=data.first_night,
        last_night=data.last_night,
    )
    return data, summary


def insights_view(store: Store, *, now: datetime | None = None) -> InsightsView:
    """The whole diary's insights, worked out now."""
    data, summary = summarized(store, now=now)
    return InsightsView(data, None if data.empty else summary)


class InsightsCache(DiaryCache[InsightsView]):
    """The Insights view, kept until the diary changes (`DiaryCache`)."""

    def __init__(self) -> None:
        super().__init__(lambda store, now: insights_view(store, now=now))
