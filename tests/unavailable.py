"""One rule for a test whose tool or data is missing: skipped with the reason here, a
failure under CI (`CI` set), where everything must be installed."""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest


def unavailable(reason: str, *, module: bool = False) -> NoReturn:
    """Skip (the whole module when `module`), or fail under CI, saying why."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def require_module(name: str, reason: str) -> ModuleType:
    """The imported module, or `unavailable(reason)` when it cannot be imported."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{reason} ({name} is not installed)")


def under_ci() -> bool:
    return bool(os.environ.get("CI"))
