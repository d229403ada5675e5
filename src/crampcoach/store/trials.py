"""Repository of personal trials: the plan's numbers in, the plan back out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crampcoach.insights.trial_plan import TrialPlan
from crampcoach.store.models import TrialRow


@dataclass(frozen=True)
class StoredTrial:
    id: str
    plan: TrialPlan
    washout_days: int
    created_at: datetime
    stopped_at: datetime | None


def _to_stored(row: TrialRow) -> StoredTrial:
    plan = TrialPlan(
        start=row.start,
        seed=int(row.seed),
        baseline_days=row.baseline_days,
        block_days=row.block_days,
        pairs=row.pairs,
    )
    return StoredTrial(row.id, plan, row.washout_days, row.created_at, row.stopped_at)


def add_trial(*, db: Session, plan: TrialPlan, washout_days: int, now: datetime) -> StoredTrial:
    row = TrialRow(
        id=str(uuid.uuid4()),
        start=plan.start,
        seed=plan.seed,
        baseline_days=plan.baseline_days,
        block_days=plan.block_days,
        pairs=plan.pairs,
        washout_days=washout_days,
        created_at=now,
        stopped_at=None,
    )
    db.add(row)
    db.flush()
    return _to_stored(row)


def latest_trial(*, db: Session) -> StoredTrial | None:
    """The most recently started trial, stopped or not."""
    query = select(TrialRow).order_by(TrialRow.created_at.desc(), TrialRow.id.desc()).limit(1)
    row = db.scalars(query).first()
    return None if row is None else _to_stored(row)


def stop_trial(*, db: Session, trial_id: str, now: datetime) -> StoredTrial:
    row = db.get(TrialRow, trial_id)
    if row is None:
        raise LookupError(trial_id)
    row.stopped_at = now
    db.flush()
    return _to_stored(row)
