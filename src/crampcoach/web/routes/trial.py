"""/trial: a personal trial (N-of-1): its schedule with tonight marked, the result so far,
start and stop."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.insights import TrialError
from crampcoach.insights.trial_plan import MAX_SEED
from crampcoach.services.trial import TrialRunning, start_trial, stop_trial, trial_overview
from crampcoach.store import Store
from crampcoach.web.deps import StoreDep, TemplatesDep
from crampcoach.web.flash import set_flash, take_flash
from crampcoach.web.forms import FormDep, form_text, sentence, whole_number

router = APIRouter(include_in_schema=False)

BLOCK_DAYS = (14, 21, 28, 42, 56)
PAIRS = (3, 4, 5, 6)
ARM_WORDS = {
    "baseline": "a baseline night",
    "routine": "a routine night",
    "no routine": "a no-routine night",
}


def _trial_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    overview = trial_overview(store)
    context = {
        "page": "insights",
        "flash": take_flash(request),
        "trial": overview.trial,
        "result": overview.result,
        "running": overview.running,
        "tonight": overview.tonight,
        "arm_words": ARM_WORDS,
        "values": values or {"block_days": "14", "pairs": "3", "seed": ""},
        "errors": errors or {},
        "block_choices": BLOCK_DAYS,
        "pair_choices": PAIRS,
    }
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
    set_flash(request, f"Trial started: {trial.plan.start:%d %b %Y} to {trial.plan.end:%d %b %Y}.")
    return RedirectResponse("/trial", status_code=303)


@router.post("/trial/stop", response_class=HTMLResponse)
def trial_stop(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    try:
        stop_trial(store)
    except TrialError as exc:
        message = str(exc)
        return _trial_page(
            request,
            templates,
            store,
            errors={"stop": sentence(message) + "."},
            status=409,
        )
    set_flash(request, "Trial stopped. The result below covers the nights before it stopped.")
    return RedirectResponse("/trial", status_code=303)
