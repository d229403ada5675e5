"""One router per resource; app.py includes them in this order."""

from crampcoach.web.routes import (
    api_episodes,
    api_profile,
    api_routines,
    api_sessions,
    auth,
    diary,
    player,
    settings,
    today,
)

ROUTERS = [
    auth.router,
    today.router,
    player.router,
    diary.router,
    settings.router,
    api_routines.router,
    api_sessions.router,
    api_episodes.router,
    api_profile.router,
]
