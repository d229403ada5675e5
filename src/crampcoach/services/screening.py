"""Use cases of the red-flag screening: take it (the result is kept), see the last one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from crampcoach.safety import ScreeningResult, load_rules, screen
from crampcoach.safety.countries import LocalHelp, country_for_zone, local_help
from crampcoach.services.diary import get_profile
from crampcoach.services.storage import system_zone, utc_now
from crampcoach.store import Store
from crampcoach.store import screenings as screening_repo
from crampcoach.store.screenings import StoredScreening


def take_screening(
    store: Store, answers: Mapping[str, bool | str | None], *, now: datetime | None = None
) -> StoredScreening:
    """Judge the answers by the rules (refusing bad ones before anything is stored) and
    keep the result."""
    result: ScreeningResult = screen(answers, where=local_help_for(store))
    with store.write() as db:
        return screening_repo.add_screening(db=db, result=result, now=now or utc_now())


def local_help_for(store: Store) -> LocalHelp:
    """The help where the person lives: the profile's country, else the country of its
    time zone (of this computer's, with no profile)."""
    profile = get_profile(store)
    country = profile.country if profile and profile.country else None
    zone = profile.timezone if profile else system_zone()
    return local_help(country or country_for_zone(zone))


def long_cramp_advice(store: Store) -> str:
    """What to do when a cramp has lasted longer than 10 minutes, with the numbers of
    where the person lives."""
    return local_help_for(store).fill(load_rules().long_cramp)


def latest_screening(store: Store) -> StoredScreening | None:
    with store.read() as db:
        return screening_repo.latest_screening(db=db)
