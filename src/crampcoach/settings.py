"""One settings object for the whole app, read from the environment (prefix CRAMPCOACH_).

A plain pydantic model reading its own variables (names in any case, as a shell user
may write them); values are validated as any input is. pydantic-settings did the same at
the cost of a fifth of a second of imports on every command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

PREFIX = "CRAMPCOACH_"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("crampcoach", appauthor=False))


class Settings(BaseModel):
    """Built once by an interface and passed down; never read at import time.

    `Settings()` reads CRAMPCOACH_DATA_DIR, CRAMPCOACH_DATABASE_URL, ... from the
    environment; values given as arguments win over the environment."""

    model_config = ConfigDict(extra="ignore")

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**_from_environment(type(self).model_fields), **values})

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


def _from_environment(fields: dict[str, Any]) -> dict[str, str]:
    """The CRAMPCOACH_* variables naming a field, by field name."""
    found: dict[str, str] = {}
    for name, value in os.environ.items():
        if name.upper().startswith(PREFIX):
            field = name[len(PREFIX) :].lower()
            if field in fields:
                found[field] = value
    return found
