"""Idempotency keys: a page makes a random key (a UUID) for each entry it sends, the
server stores it with the entry, and a copy sent again under the same key gets the stored
entry back instead of adding a second one. A phone that was offline sends what waited
when the server is back, and may send it twice (a lost answer, two tabs): none is doubled.

The key travels in the `Idempotency-Key` header (JSON API) or a `client_key` form field.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, HTTPException

KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
PROBLEM = "give 16 to 64 letters, digits, '-' or '_' (a random UUID will do)"
REPEATED = {
    200: {"description": "Sent before under this Idempotency-Key: the entry stored then."},
    422: {"description": "A bad field, or an Idempotency-Key that is not 16-64 [A-Za-z0-9_-]."},
}


def valid_key(value: str) -> bool:
    return KEY.fullmatch(value) is not None


async def idempotency_key(
    idempotency_key: str | None = Header(
        None,
        description="A random key the client makes for this entry (e.g. a UUID). Sent "
        "again with the same key, the entry stored the first time comes back (200) and "
        "nothing is added.",
    ),
) -> str | None:
    if idempotency_key is None:
        return None
    if not valid_key(idempotency_key):
        raise HTTPException(status_code=422, detail=f"Idempotency-Key: {PROBLEM}")
    return idempotency_key


IdempotencyKeyDep = Annotated[str | None, Depends(idempotency_key)]
