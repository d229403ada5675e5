"""Reading the package's YAML (routines, red flags, countries): one safe loader, the C one
when PyYAML was built with libyaml (several times faster than the pure-Python one)."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def read_yaml(text: str) -> Any:
    """The data in a YAML document, read safely (no Python objects built from tags)."""
    return yaml.load(text, Loader=_LOADER)
