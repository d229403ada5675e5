"""crampcoach: a local-first coach for night ankle and leg cramps."""

__version__ = "0.1.0"
