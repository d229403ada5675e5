"""Use cases of insights: what the diary says, over the nights it covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from crampcoach.diary.models import Episode, EpisodeFilter
from crampcoach.diary.night import night_in_zone
from crampcoach.errors import UserError
from crampcoach.services.diary import user_zone
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
        raise UserError(f"--to ({last}) is before --from ({first})")
    tonight = night_in_zone(now, user_zone(store))
    with store.read() as session:
        routine = session_repo.completed_nights(session=session)
        where = EpisodeFilter(night_from=first, night_to=last)
        episodes = episode_repo.list_episodes(session=session, where=where)
    kept = sorted({e.night for e in episodes} | routine)
    end = last or max([tonight - timedelta(days=1), *kept[-1:]])
    start = first or (kept[0] if kept else end)
    if end < start:
        raise UserError(f"no nights between {start} and {end}")
    routine = {night for night in routine if start <= night <= end}
    return DiaryData(start, end, episodes, routine)
