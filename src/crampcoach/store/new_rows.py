"""Inserting rows that may already be there: `INSERT ... ON CONFLICT DO NOTHING`.

Two imports of the same file at once must both succeed and store each row once. Looking
first and then inserting cannot promise that on PostgreSQL (both look, both insert, one
fails on the primary key); an insert that skips a row whose key is present can, and it
reports which rows it really inserted. SQLite and PostgreSQL both speak it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute, Session

# The dialect's own insert, imported when first used (the PostgreSQL dialect alone
# costs a tenth of a second of imports on a laptop that never uses it).
_DIALECTS = {"postgresql", "sqlite"}


def insert_new(
    *, db: Session, rows: Sequence[dict[str, Any]], key: InstrumentedAttribute[Any]
) -> set[Any]:
    """Insert the rows whose primary `key` is not present yet; returns their keys.

    Rows go in in the order of their key, so two transactions inserting overlapping rows
    wait for each other instead of deadlocking.
    """
    if not rows:
        return set()
    dialect = db.get_bind().dialect.name
    if dialect not in _DIALECTS:
        raise NotImplementedError(f"inserting new rows is not written for {dialect}")
    ordered = sorted(rows, key=lambda row: row[key.key])
    table = key.class_.__table__  # a Core insert: the ORM's bulk path only adds overhead here
    insert = importlib.import_module(f"sqlalchemy.dialects.{dialect}").insert
    statement = insert(table).on_conflict_do_nothing().returning(table.c[key.key])
    return set(db.scalars(statement, ordered))
