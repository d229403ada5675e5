"""One router per resource; app.py includes them in this order."""

from crampcoach.web.routes import (
    api_episodes,
    api_profile,
    api_routines,
    api_sessions,
    auth,
    diary,
    insights,
    live,
    player,
    screening,
    settings,
    today,
    trial,
)

ROUTERS = [
    auth.router,
    today.router,
    player.router,
    diary.router,
    insights.router,
    trial.router,
    screening.router,
    settings.router,
    api_routines.router,
    api_sessions.router,
    api_episodes.router,
    api_profile.router,
    live.router,
]
