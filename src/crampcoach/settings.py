"""One settings object for the whole app, read from the environment (prefix CRAMPCOACH_)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("crampcoach", appauthor=False))


class Settings(BaseSettings):
    """Built once by an interface and passed down; never read at import time."""

    model_config = SettingsConfigDict(env_prefix="CRAMPCOACH_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Where the diary lives.")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; an SQLite file in data_dir when unset.",
    )
    leg: Literal["left", "right", "both"] = Field(
        default="right", description="Default leg for routines (until one is stored)."
    )
    tempo_s: float = Field(default=3.0, gt=0, le=30, description="Seconds per repetition.")
    voice: bool = Field(default=True, description="Speak cues aloud when a voice is available.")
    password: SecretStr | None = Field(
        default=None, description="Required to serve beyond loopback; hashed with argon2."
    )

    @field_validator("database_url")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'crampcoach.db'}"
