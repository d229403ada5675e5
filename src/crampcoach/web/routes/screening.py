"""/screening: the red-flag questions, and the last result with its sources."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.safety import ScreeningError, load_rules
from crampcoach.services.screening import latest_screening, local_help_for, take_screening
from crampcoach.services.storage import Store
from crampcoach.web.deps import StoreDep, TemplatesDep
from crampcoach.web.flash import set_flash, take_flash
from crampcoach.web.forms import FormDep, form_text, sentence

router = APIRouter(include_in_schema=False)


def _screening_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    *,
    answers: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    rules = load_rules()
    context = {
        "page": "insights",
        "flash": take_flash(request),
        "rules": rules,
        "notice": local_help_for(store).fill(rules.notice),
        "latest": latest_screening(store),
        "answers": answers or {},
        "error": error,
    }
    return templates.TemplateResponse(request, "screening.html", context, status_code=status)


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request, templates: TemplatesDep, store: StoreDep) -> Response:
    return _screening_page(request, templates, store)


@router.post("/screening", response_class=HTMLResponse)
def screening_post(
    request: Request, templates: TemplatesDep, store: StoreDep, posted: FormDep
) -> Response:
    rules = load_rules()
    answers: dict[str, str | None] = {
        q.id: form_text(posted, q.id) or None for q in rules.questions
    }
    try:
        take_screening(store, answers)
    except ScreeningError as exc:
        message = str(exc)
        kept = {key: value for key, value in answers.items() if value}
        return _screening_page(
            request,
            templates,
            store,
            answers=kept,
            error=sentence(message),
            status=400,
        )
    set_flash(request, "Your answers are saved. What they mean is below.")
    return RedirectResponse("/screening#result", status_code=303)
