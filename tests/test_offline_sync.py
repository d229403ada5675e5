"""Idempotency keys (issue 15, item 6): what a phone saved offline is sent again when the
server is back, maybe twice; the key the page made for each entry keeps it from being
stored twice. The API, the diary form and the store, on SQLite and PostgreSQL, also when
two copies arrive at the same moment."""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from crampcoach.diary.models import EpisodeCreate
from crampcoach.services import diary
from crampcoach.services.sessions import list_sessions
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from crampcoach.store import Store
from crampcoach.store import episodes as episode_repo
from crampcoach.web import create_app
from web_client import local_client

ZONE = "Europe/Amsterdam"
NOW = datetime.now(UTC).replace(microsecond=0)
BAD_KEYS = [
    "",
    "short-key",
    "k" * 65,
    "has space 1234567890",
    "ünïcodeünïcode-1234".encode(),  # as a browser would send it: UTF-8 bytes
    "a/b/c/d/e/f/g/h/i/j",
    "semi;colon-1234567890",
]


@pytest.fixture
def client(settings: Settings) -> TestClient:
    web = local_client(create_app(settings), follow_redirects=False)
    assert web.put("/api/profile", json={"timezone": ZONE}).status_code == 200
    return web


def _key() -> str:
    return str(uuid.uuid4())


_EARLIER = itertools.count(1)


def _cramp(**fields: Any) -> dict[str, Any]:
    """A cramp body; each an hour earlier than the one before, so that no two are alike
    (two of one leg within ten minutes would be asked about as a likely duplicate)."""
    body = {"leg": "left", "place": "calf", "severity": 6, "minutes": 2.5, "notes": "offline"}
    body["started_at"] = (NOW - timedelta(hours=next(_EARLIER))).isoformat()
    return {**body, **fields}


def _session(**fields: Any) -> dict[str, Any]:
    body = {
        "routine": "calf-stretch",
        "leg": "left",
        "tempo_s": 3,
        "started_at": (NOW - timedelta(minutes=3)).isoformat(),
        "ended_at": NOW.isoformat(),
        "commands": [{"at_s": 20.0, "name": "stop"}],
    }
    return {**body, **fields}


def _episodes(settings: Settings) -> int:
    return len(diary.list_episodes(open_store(settings)))


def _sessions(settings: Settings) -> int:
    return len(list_sessions(open_store(settings)))


def _post(
    client: TestClient, path: str, body: dict[str, Any], key: str | bytes | None
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(path, json=body, headers=headers)


def _at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls in threads released together; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(a is not None for a in answers), "a request did not finish"
    return [a for a in answers if a is not None]


# -- cramps by the JSON API ------------------------------------------------------------
def test_the_same_key_twice_stores_one_cramp(client: TestClient, settings: Settings) -> None:
    key = _key()
    first = _post(client, "/api/episodes", _cramp(), key)
    again = _post(client, "/api/episodes", _cramp(), key)
    assert first.status_code == 201, first.text
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert _episodes(settings) == 1


def test_a_repeat_gets_the_stored_entry_even_if_its_copy_differs(
    client: TestClient, settings: Settings
) -> None:
    """The key names the entry: a copy sent later (its body rebuilt) adds nothing."""
    key = _key()
    first = _post(client, "/api/episodes", _cramp(), key)
    again = _post(client, "/api/episodes", _cramp(severity=9), key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["severity"] == 6
    assert _episodes(settings) == 1


def test_a_deleted_entry_is_not_brought_back_by_its_copy(
    client: TestClient, settings: Settings
) -> None:
    key = _key()
    first = _post(client, "/api/episodes", _cramp(), key).json()
    assert client.delete(f"/api/episodes/{first['id']}").status_code == 200
    again = _post(client, "/api/episodes", _cramp(), key)
    assert again.status_code == 200 and again.json()["deleted_at"] is not None
    assert _episodes(settings) == 0


def test_different_keys_store_two_cramps(client: TestClient, settings: Settings) -> None:
    answers = [_post(client, "/api/episodes", _cramp(), _key()) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] != answers[1].json()["id"]
    assert _episodes(settings) == 2


def test_without_a_key_each_post_is_a_new_cramp(client: TestClient, settings: Settings) -> None:
    for _ in range(2):
        assert _post(client, "/api/episodes", _cramp(), None).status_code == 201
    assert _episodes(settings) == 2


def test_two_copies_at_the_same_moment_store_one_cramp(
    client: TestClient, settings: Settings
) -> None:
    for round_ in range(4):
        key = _key()
        answers = _at_once([partial(_post, client, "/api/episodes", _cramp(), key)] * 3)
        assert sorted(a.status_code for a in answers) == [200, 200, 201], [a.text for a in answers]
        assert all(a.json() == answers[0].json() for a in answers)
        assert _episodes(settings) == round_ + 1


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_bad_key_is_refused(client: TestClient, settings: Settings, key: str | bytes) -> None:
    for path, body in (("/api/episodes", _cramp()), ("/api/sessions", _session())):
        answer = _post(client, path, body, key)
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"].startswith("Idempotency-Key: give 16 to 64")
    assert (_episodes(settings), _sessions(settings)) == (0, 0)


def test_a_bad_entry_under_a_good_key_is_refused_and_the_key_stays_free(
    client: TestClient, settings: Settings
) -> None:
    key = _key()
    refused = _post(client, "/api/episodes", _cramp(severity=11), key)
    assert refused.status_code == 422
    assert _post(client, "/api/episodes", _cramp(), key).status_code == 201
    assert _episodes(settings) == 1


# -- routine sessions ------------------------------------------------------------------
def test_the_same_key_twice_stores_one_session(client: TestClient, settings: Settings) -> None:
    key = _key()
    first = _post(client, "/api/sessions", _session(), key)
    again = _post(client, "/api/sessions", _session(), key)
    assert (first.status_code, again.status_code) == (201, 200), again.text
    assert again.json() == first.json()
    (saved,) = list_sessions(open_store(settings))
    assert len(saved.record.steps) == len(first.json()["steps"]) > 0


def test_different_session_keys_store_two(client: TestClient, settings: Settings) -> None:
    answers = [_post(client, "/api/sessions", _session(), _key()) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert _sessions(settings) == 2


def test_two_session_copies_at_the_same_moment_store_one(
    client: TestClient, settings: Settings
) -> None:
    for round_ in range(3):
        key = _key()
        answers = _at_once([partial(_post, client, "/api/sessions", _session(), key)] * 3)
        assert sorted(a.status_code for a in answers) == [200, 200, 201], [a.text for a in answers]
        assert all(a.json() == answers[0].json() for a in answers)
        assert _sessions(settings) == round_ + 1
    (steps,) = {len(s.record.steps) for s in list_sessions(open_store(settings))}
    assert steps > 0  # each stored once, with its steps once


# -- the diary form --------------------------------------------------------------------
def _csrf(client: TestClient) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/diary").text)
    assert match
    return match.group(1)


def _form(token: str, key: str) -> dict[str, Any]:
    at = (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {
        "csrf_token": token,
        "client_key": key,
        "at": at,
        "leg": "right",
        "place": "foot",
        "severity": "4",
        "minutes": "1",
    }


def test_the_form_sent_twice_under_one_key_stores_one_cramp(
    client: TestClient, settings: Settings
) -> None:
    token, key = _csrf(client), _key()
    first = client.post("/diary", data=_form(token, key))
    again = client.post("/diary", data=_form(token, key))
    assert (first.status_code, again.status_code) == (303, 303)
    assert "Already saved: right foot, severity 4" in client.get("/diary").text
    assert _episodes(settings) == 1
    # the API knows the key too: the page's offline queue may send the same entry as JSON
    assert _post(client, "/api/episodes", _cramp(), key).status_code == 200
    assert _episodes(settings) == 1


def test_the_form_refuses_a_bad_key(client: TestClient, settings: Settings) -> None:
    answer = client.post("/diary", data=_form(_csrf(client), "bad key"))
    assert answer.status_code == 422
    assert "client_key is not valid: give 16 to 64" in answer.text
    assert _episodes(settings) == 0


# -- the store, two processes at once ---------------------------------------------------
def _entry() -> EpisodeCreate:
    return EpisodeCreate.model_validate(
        {
            "started_at": NOW - timedelta(hours=2),
            "zone": ZONE,
            "duration_s": 60,
            "leg": "left",
            "place": "calf",
            "severity": 5,
        }
    )


def test_the_store_skips_a_key_another_writer_is_storing(store: Store, db_url: str) -> None:
    """Two stores (as two server processes) insert under one key: the second waits for
    the first's transaction and then gets its entry, with nothing added."""
    other = Store(db_url, migrate=False)
    key = _key()
    second: list[str] = []
    first_inserted = threading.Event()

    def insert_second() -> None:
        first_inserted.wait(10)
        with other.write() as db:
            stored = episode_repo.create_episode(
                db=db, data=_entry(), now=datetime.now(UTC), client_key=key
            )
            second.append(stored.id)

    thread = threading.Thread(target=insert_second)
    thread.start()
    try:
        with store.write() as db:
            first = episode_repo.create_episode(db=db, data=_entry(), now=NOW, client_key=key)
            first_inserted.set()
            time.sleep(0.5)  # the other writer is waiting on this transaction now
    finally:
        thread.join(30)
        other.close()
    assert second == [first.id]
    with store.read() as db:
        assert episode_repo.count_episodes(db=db) == 1


def test_the_store_returns_the_entry_of_a_key_in_later_transactions(store: Store) -> None:
    key = _key()
    with store.write() as db:
        first = episode_repo.create_episode(db=db, data=_entry(), now=NOW, client_key=key)
    with store.write() as db:
        again = episode_repo.create_episode(
            db=db, data=_entry(), now=NOW + timedelta(minutes=1), client_key=key
        )
    assert again == first
    with store.read() as db:
        assert episode_repo.count_episodes(db=db) == 1
