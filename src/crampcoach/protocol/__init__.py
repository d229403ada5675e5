"""Routines as data: models, the shipped routine files and their loader."""

from crampcoach.protocol.loader import list_routines, load_routine, parse_routine
from crampcoach.protocol.models import Exercise, Routine

__all__ = ["Exercise", "Routine", "list_routines", "load_routine", "parse_routine"]
