"""How the person likes routines to run: default leg, tempo and voice. Pure: no storage.

Every preference is optional; an unset one falls back to the settings object's default.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat

RoutineLeg = Literal["left", "right", "both"]
MIN_TEMPO_S = 0.5
MAX_TEMPO_S = 30.0


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_leg: RoutineLeg | None = None
    tempo_s: StrictFloat | None = Field(
        default=None, ge=MIN_TEMPO_S, le=MAX_TEMPO_S, allow_inf_nan=False
    )
    voice: StrictBool | None = None
