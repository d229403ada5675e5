"""Whether a track shows the exercise at all: every analyser's `detected`, with the reason
when it does not and the figures it was decided from.

An analyser counts whatever its exercise's counter finds, and a counter finds something in
most movement (a step is a toe point of sorts, a letter has curves). So each analyser also
decides, from the motion itself, whether the movement was the exercise: how much of the
track fits the exercise's pattern and whether the rest of the body kept still. When it
was not, the result says so, with the reason, and its counts are 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Detection:
    detected: bool
    reason: str | None = None  # why not, for a person to read (None when detected)
    evidence: Mapping[str, float | int | None] = field(default_factory=dict)

    @classmethod
    def seen(cls, **evidence: float | int | None) -> Detection:
        return cls(True, None, _rounded(evidence))

    @classmethod
    def missing(cls, reason: str, **evidence: float | int | None) -> Detection:
        return cls(False, reason, _rounded(evidence))

    def as_result(self) -> dict[str, Any]:
        return {"detected": self.detected, "reason": self.reason, "evidence": dict(self.evidence)}


def _rounded(evidence: Mapping[str, float | int | None]) -> dict[str, float | int | None]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in evidence.items()}
