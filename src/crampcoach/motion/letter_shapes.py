"""Capital letters A-Z as people write them in the air: one continuous path per letter.

In the air there is no pen to lift: the toe moves from one stroke's end to the next one's
start, so a letter's template is its strokes (`crampcoach.fixtures.motion_letters`, in the
usual stroke order) joined by those moves. Coordinates: u to the writer's right, v up.
"""

from __future__ import annotations

import numpy as np

from crampcoach.fixtures.motion_letters import LETTERS


def air_path(letter: str) -> np.ndarray:
    """The letter's strokes joined end to start, as one (m, 2) path."""
    return np.concatenate(LETTERS[letter])


TEMPLATES: dict[str, np.ndarray] = {letter: air_path(letter) for letter in LETTERS}
