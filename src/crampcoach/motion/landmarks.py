"""MediaPipe Pose's 33 landmarks: the indices the analysers use."""

from __future__ import annotations

from typing import Literal

COUNT = 33
NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_TOE, RIGHT_TOE = 31, 32  # "foot index": the tip of the foot

Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("left", "right")

_LEG = {
    "left": (LEFT_HIP, LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_TOE, LEFT_SHOULDER),
    "right": (RIGHT_HIP, RIGHT_KNEE, RIGHT_ANKLE, RIGHT_HEEL, RIGHT_TOE, RIGHT_SHOULDER),
}


def leg(side: Side) -> tuple[int, int, int, int, int, int]:
    """hip, knee, ankle, heel, toe, shoulder indices of one side (the person's own side)."""
    return _LEG[side]
