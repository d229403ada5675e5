"""JSON from a socket, parsed with every number and every nesting bounded.

`json.loads` alone accepts ``NaN`` and ``Infinity``, turns ``1e999`` into infinity, raises
a bare ValueError (not JSONDecodeError) for an integer of more than 4,300 digits and
RecursionError for deep nesting. `loads` refuses each of those with `JsonRefused`, whose
message is one line that is safe to show: no number is longer than MAX_NUMBER_CHARS
characters (so no integer is near Python's limit), every float is finite, and a text
opens at most `max_containers` lists and objects (so it cannot nest deeper either).
"""

from __future__ import annotations

import json
import math
from typing import Any

MAX_NUMBER_CHARS = 32  # JavaScript's JSON.stringify writes a double in at most 25
MAX_CONTAINERS = 100  # a landmark frame opens 70: the object, 2 x (a list of 33 rows), size


class JsonRefused(ValueError):
    """Text that is not JSON, or JSON with a number or a nesting out of bounds."""


def _number_text(text: str) -> str:
    if len(text) > MAX_NUMBER_CHARS:
        raise JsonRefused(
            f"a number is too long ({len(text)} characters; at most {MAX_NUMBER_CHARS})"
        )
    return text


def _int(text: str) -> int:
    return int(_number_text(text))


def _float(text: str) -> float:
    value = float(_number_text(text))
    if not math.isfinite(value):  # 1e999 and the like
        raise JsonRefused(f"the number {text} is out of range")
    return value


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a number this server accepts")


def loads(text: str, *, max_containers: int = MAX_CONTAINERS) -> Any:
    """The value `text` holds; JsonRefused for anything out of bounds or not JSON."""
    opened = text.count("[") + text.count("{")  # an upper bound: brackets in strings count too
    if opened > max_containers:
        raise JsonRefused(f"the message has too many lists and objects ({opened})")
    try:
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise JsonRefused(f"the message is not JSON ({exc.msg})") from None
    except RecursionError:  # not reached within max_containers; kept as a last guard
        raise JsonRefused("the message nests too deeply") from None
