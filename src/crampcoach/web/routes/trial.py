"""/trial: a personal trial (N-of-1): how long it would run before it starts, its schedule
with tonight marked, the result so far; start, and stop after a confirmation step.

Stopping is two steps that work without JavaScript and read well with a screen reader:
GET /trial/stop (or a POST without `confirm=yes`) shows what stopping loses and asks;
only a POST with `confirm=yes` stops the trial."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.insights import TrialError, plan_trial
from crampcoach.insights.reading import day, weekday
from crampcoach.insights.trial_plan import MAX_SEED
from crampcoach.insights.trial_text import ARM_WORDS, NIGHT_RULE, length_text
from crampcoach.services.storage import Store
from crampcoach.services.trial import (
    TrialRunning,
    preview_trial,
    start_trial,
    stop_preview,
    stop_trial,
    trial_overview,
)
from crampcoach.web.deps import StoreDep, TemplatesDep
from crampcoach.web.flash import set_flash, take_flash
from crampcoach.web.forms import FormDep, form_text, sentence, whole_number

router = APIRouter(include_in_schema=False)

BLOCK_DAYS = (14, 21, 28, 42, 56)
PAIRS = (3, 4, 5, 6)
DEFAULTS = {"block_days": "14", "pairs": "3", "seed": ""}


def _lengths(store: Store) -> dict[str, str]:
    """The length text of every choice on the form, keyed "BLOCKxPAIRS" (static/trial.js
    shows the one chosen; without script the server's text for the chosen one stays)."""
    first = preview_trial(store).plan.start  # tonight, by the diary's night rule
    return {
        f"{block}x{pairs}": length_text(plan_trial(first, 0, block_days=block, pairs=pairs))
        for block in BLOCK_DAYS
        for pairs in PAIRS
    }


def _chosen(values: dict[str, str], name: str, choices: tuple[int, ...]) -> int:
    number = whole_number(values.get(name, ""), most=max(choices))
    return number if number in choices else int(DEFAULTS[name])


def _trial_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    confirm_stop: bool = False,
) -> Response:
    overview = trial_overview(store)
    values = values or dict(DEFAULTS)
    context: dict[str, object] = {
        "page": "insights",
        "flash": take_flash(request),
        "trial": overview.trial,
        "result": overview.result,
        "running": overview.running,
        "tonight": overview.tonight,
        "tonight_text": overview.tonight_text,
        "before_noon": overview.before_noon,
        "night_rule": NIGHT_RULE,
        "arm_words": ARM_WORDS,
        "day": day,
        "weekday": weekday,
        "values": values,
        "errors": errors or {},
        "block_choices": BLOCK_DAYS,
        "pair_choices": PAIRS,
        "confirm_stop": None,
    }
    if confirm_stop and overview.running:
        context["confirm_stop"] = stop_preview(store)
    elif not overview.running:
        lengths = _lengths(store)
        chosen = f"{_chosen(values, 'block_days', BLOCK_DAYS)}x{_chosen(values, 'pairs', PAIRS)}"
        context |= {"length_text": lengths[chosen], "lengths_json": json.dumps(lengths)}
    return templates.TemplateResponse(request, "trial.html", context, status_code=status)


@router.get("/trial", response_class=HTMLResponse)
def trial_page(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    return _trial_page(request, templates, store)


@router.post("/trial/start", response_class=HTMLResponse)
def trial_start(
    request: Request, templates: TemplatesDep, store: StoreDep, posted: FormDep
) -> Response:
    values = {name: form_text(posted, name) for name in ("block_days", "pairs", "seed")}
    errors: dict[str, str] = {}
    numbers: dict[str, int | None] = {}
    for name, choices in (("block_days", BLOCK_DAYS), ("pairs", PAIRS)):
        number = whole_number(values[name], most=max(choices))
        if number not in choices:
            errors[name] = f"Choose one of {', '.join(str(c) for c in choices)}."
        numbers[name] = number
    seed: int | None = None
    if values["seed"]:
        seed = whole_number(values["seed"], most=MAX_SEED)
        if seed is None:
            errors["seed"] = f"Leave it empty, or give a whole number up to {MAX_SEED}."
    if errors:
        return _trial_page(request, templates, store, values=values, errors=errors, status=400)
    try:
        trial = start_trial(
            store,
            seed=seed,
            block_days=numbers["block_days"] or 14,
            pairs=numbers["pairs"] or 3,
        )
    except TrialError as exc:
        # 409: refused because a trial runs; 400: something wrong with what was asked.
        message = str(exc).replace("with `crampcoach trial stop`", "(Stop the trial, below)")
        return _trial_page(
            request,
            templates,
            store,
            values=values,
            errors={"form": sentence(message)},
            status=409 if isinstance(exc, TrialRunning) else 400,
        )
    set_flash(request, f"Trial started. {length_text(trial.plan)}")
    return RedirectResponse("/trial", status_code=303)


@router.get("/trial/stop", response_class=HTMLResponse)
def trial_stop_confirm(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    """The confirmation step: what stopping loses, and the two choices."""
    if not trial_overview(store).running:
        return _trial_page(
            request, templates, store, errors={"stop": "No trial is running."}, status=409
        )
    return _trial_page(request, templates, store, confirm_stop=True)


@router.post("/trial/stop", response_class=HTMLResponse)
def trial_stop(
    request: Request, templates: TemplatesDep, store: StoreDep, posted: FormDep
) -> Response:
    if form_text(posted, "confirm") != "yes":  # not confirmed: ask, stop nothing
        return trial_stop_confirm(request, templates, store)
    try:
        stop_trial(store)
    except TrialError as exc:
        return _trial_page(
            request, templates, store, errors={"stop": sentence(str(exc)) + "."}, status=409
        )
    set_flash(request, "Trial stopped. The result below covers the nights before it stopped.")
    return RedirectResponse("/trial", status_code=303)
