"""The cramp diary's core: entries, nights, times and validation. Pure: no storage here.

The names below are loaded on first use (PEP 562), so a module that needs only a small
part (`diary.bounds`, say) does not pay for the models' pydantic classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crampcoach.lazy_exports import lazy_exports

_EXPORTS = {
    "HELPED": "models",
    "LEGS": "models",
    "PLACES": "models",
    "Episode": "models",
    "EpisodeCreate": "models",
    "EpisodeFilter": "models",
    "EpisodeUpdate": "models",
    "Profile": "models",
    "night_in_zone": "night",
    "night_of": "night",
    "check_not_future": "when",
    "parse_at": "when",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # re-exported (loaded on use by __getattr__ below)
    from crampcoach.diary.models import (  # noqa: F401
        HELPED,
        LEGS,
        PLACES,
        Episode,
        EpisodeCreate,
        EpisodeFilter,
        EpisodeUpdate,
        Profile,
    )
    from crampcoach.diary.night import night_in_zone, night_of  # noqa: F401
    from crampcoach.diary.when import check_not_future, parse_at  # noqa: F401
