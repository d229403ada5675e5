"""Use cases of the red-flag screening: take it (the result is kept), see the last one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from crampcoach.safety import ScreeningResult, screen
from crampcoach.services.storage import utc_now
from crampcoach.store import Store
from crampcoach.store import screenings as screening_repo
from crampcoach.store.screenings import StoredScreening


def take_screening(
    store: Store, answers: Mapping[str, bool | str | None], *, now: datetime | None = None
) -> StoredScreening:
    """Judge the answers by the rules (refusing bad ones before anything is stored) and
    keep the result."""
    result: ScreeningResult = screen(answers)
    with store.write() as session:
        return screening_repo.add_screening(session=session, result=result, now=now or utc_now())


def latest_screening(store: Store) -> StoredScreening | None:
    with store.read() as session:
        return screening_repo.latest_screening(session=session)
