"""/diary: log a cramp, the list of nights with filters, edit, delete and undo.

Plain form posts and redirects (with a one-time message); htmx only swaps parts of
the page. A bad value comes back as the form, status 422, with the message at the field.
"""

from __future__ import annotations

from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampcoach.diary.duplicates import LikelyDuplicate
from crampcoach.diary.models import HELPED, LEGS, PLACES, Episode
from crampcoach.diary.night import night_in_zone
from crampcoach.diary.paging import PageKey, parse_page_key
from crampcoach.diary.when import when_words
from crampcoach.errors import DiaryError
from crampcoach.services import diary
from crampcoach.services.preferences import effective_preferences
from crampcoach.services.storage import Store, utc_now
from crampcoach.web.deps import SettingsDep, StoreDep, TemplatesDep
from crampcoach.web.diary_filters import Filters, back_query, read_filters
from crampcoach.web.episode_api import find
from crampcoach.web.episode_form import (
    LOCAL_MINUTE,
    EpisodeForm,
    episode_form,
    new_form,
    parse_form,
    read_at,
    read_form,
)
from crampcoach.web.flash import set_flash, take_flash
from crampcoach.web.forms import FormDep, form_text, sentence
from crampcoach.web.idempotency import PROBLEM as KEY_PROBLEM
from crampcoach.web.idempotency import valid_key
from crampcoach.web.night_rows import night_rows

router = APIRouter(include_in_schema=False)
CHOICES = {"legs": LEGS, "places": PLACES, "helped_choices": HELPED}


def _what(episode: Episode) -> str:
    return f"{episode.leg} {episode.place}, severity {episode.severity}"


def _describe(episode: Episode) -> str:
    when = episode.started_at.strftime("%a %d %b, %H:%M")
    return f"{episode.leg} {episode.place}, severity {episode.severity}, {when}"


def _redirect(query: str = "") -> Response:
    return RedirectResponse(f"/diary?{query}" if query else "/diary", status_code=303)


def _filters(request: Request, zone: str) -> Filters:
    tonight = night_in_zone(utc_now(), zone)
    return read_filters(dict(request.query_params), tonight=tonight)


def _page_key(request: Request, filters: Filters) -> PageKey | None:
    """Where the page starts (`before=`), or None for the newest; a bad one is a field
    error and the newest page is shown."""
    text = (request.query_params.get("before") or "").strip()
    if not text:
        return None
    try:
        return parse_page_key(text)
    except DiaryError as exc:
        filters.errors["before"] = sentence(exc.reason)
        return None


def _diary_url(query: str, before: str | None = None) -> str:
    parts = [part for part in (query, f"before={quote(before)}" if before else "") if part]
    return "/diary?" + "&".join(parts) if parts else "/diary"


def _diary_page(
    request: Request,
    templates: TemplatesDep,
    store: Store,
    settings: SettingsDep,
    *,
    form: EpisodeForm | None = None,
    status: int = 200,
) -> Response:
    known = diary.standing(store)  # the zone and the leg preference in one read
    zone = diary.user_zone(store, known)
    filters = _filters(request, zone)
    before = _page_key(request, filters)
    page = diary.diary_page(store, filters.where, before=before)
    if form is None:
        now_local = utc_now().astimezone(ZoneInfo(zone))
        leg = effective_preferences(store, settings, known).leg
        form = new_form(now_local=now_local, leg=leg)
    query = filters.query
    context = {
        "page": "diary",
        "flash": take_flash(request),
        "form": form,
        "filters": filters,
        "nights": page.nights,
        "night_groups": night_rows(page.nights),
        "csrf": request.state.visit.get("csrf", ""),
        "count": page.entries,
        "night_count": page.night_count,
        "shown": sum(len(n.episodes) for n in page.nights),
        "before": before,
        "worst": page.worst,
        "older": _diary_url(query, page.next_key.text()) if page.next_key else None,
        "newest": _diary_url(query) if before else None,
        "back": query,
        **CHOICES,
    }
    if filters.errors:
        status = 422
    return templates.TemplateResponse(request, "diary.html", context, status_code=status)


@router.get("/diary", response_class=HTMLResponse)
def diary_page(
    request: Request, templates: TemplatesDep, store: StoreDep, settings: SettingsDep
) -> Response:
    return _diary_page(request, templates, store, settings)


@router.post("/diary", response_class=HTMLResponse)
def log_cramp(
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    settings: SettingsDep,
    posted: FormDep,
) -> Response:
    form = read_form(posted)
    arguments = parse_form(form)
    # diary.js adds the entry's idempotency key: a form sent again (offline, then back)
    # finds the entry it stored the first time
    client_key = form_text(posted, "client_key") or None
    status = 422
    if client_key is not None and not valid_key(client_key):
        form.general = f"This form's client_key is not valid: {KEY_PROBLEM}."
    elif not form.errors:
        allow_duplicate = posted.get("duplicate_ok") is not None  # "Save it anyway"
        try:
            zone = diary.user_zone(store)
            logged = diary.log_cramp_once(
                store,
                **read_at(arguments, zone=zone, now=utc_now()),
                zone=zone,
                client_key=client_key,
                allow_duplicate=allow_duplicate,
            )
        except LikelyDuplicate as exc:
            form.duplicate = sentence(exc.reason) + "."
            status = 409
        except DiaryError as exc:
            form.fail(exc)
        else:
            episode = logged.episode
            night = episode.night.strftime("%a %d %b")
            when = when_words(episode.started_at, now=utc_now(), zone=episode.zone)
            set_flash(
                request,
                f"{'Saved' if logged.new else 'Already saved'}: {_what(episode)}, {when} "
                f"(night of {night}).",
                screening=logged.offer_screening,
            )
            return _redirect()
    return _diary_page(request, templates, store, settings, form=form, status=status)


def _edit_page(
    request: Request, templates: TemplatesDep, episode: Episode, form: EpisodeForm, status: int
) -> Response:
    context = {"page": "diary", "episode": episode, "form": form, **CHOICES}
    return templates.TemplateResponse(request, "episode_edit.html", context, status_code=status)


@router.get("/diary/{episode_id}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, templates: TemplatesDep, store: StoreDep, episode_id: str
) -> Response:
    episode = find(store, episode_id)
    return _edit_page(request, templates, episode, episode_form(episode), 200)


@router.post("/diary/{episode_id}/edit", response_class=HTMLResponse)
def edit_episode(
    request: Request,
    templates: TemplatesDep,
    store: StoreDep,
    episode_id: str,
    posted: FormDep,
) -> Response:
    episode = find(store, episode_id)
    form = read_form(posted)
    arguments = parse_form(form)
    if arguments["at"] == episode.started_at.strftime(LOCAL_MINUTE) or not arguments["at"]:
        arguments["at"] = None  # unchanged: keep the stored seconds
    if not form.errors:
        try:
            changed = diary.edit_episode(
                store, episode.id, **read_at(arguments, zone=episode.zone, now=utc_now())
            )
        except DiaryError as exc:
            form.fail(exc)
        else:
            set_flash(request, f"Changed: {_describe(changed)}.")
            return _redirect()
    return _edit_page(request, templates, episode, form, 422)


@router.post("/diary/undo")
def undo_delete(request: Request, store: StoreDep, posted: FormDep) -> Response:
    try:
        restored = diary.undo_delete(store)
    except DiaryError:
        set_flash(request, "Nothing to undo.")
    else:
        set_flash(request, f"Brought back: {_describe(restored)}.")
    back = posted.get("back")
    return _redirect(back_query(back if isinstance(back, str) else ""))


@router.post("/diary/{episode_id}/delete")
def delete_episode(request: Request, store: StoreDep, episode_id: str, posted: FormDep) -> Response:
    episode = find(store, episode_id)
    diary.delete_episode(store, episode.id)
    set_flash(request, f"Deleted {_describe(episode)}.", undo=True)
    back = posted.get("back")
    return _redirect(back_query(back if isinstance(back, str) else ""))
