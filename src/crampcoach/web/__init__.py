"""The web app: server-rendered pages, a JSON API under /api, the guided player."""

from crampcoach.web.app import create_app

__all__ = ["create_app"]
