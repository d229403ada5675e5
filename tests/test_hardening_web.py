"""Issue 14 (hardening), the web's items: each test is named after the numbered item it
guards (1 DNS rebinding, 2 login flood and sessions, 6 web 500s, 8 one set of rules and
body caps, 9 paging). In-process through the whole app (Gatekeeper included), and
against the real server where the network is the point."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse

from crampcoach.diary.models import EpisodeCreate
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from crampcoach.store import episodes as episode_repo
from crampcoach.web import create_app
from crampcoach.web.gatekeeper import BODY_LIMIT
from crampcoach.web.hosts import HostPolicy
from crampcoach.web.login_throttle import LoginThrottle, client_key
from crampcoach.web.security import SECURITY_HEADERS, Gate
from web_client import BASE_URL, ORIGIN, local_client
from web_server import running_server

ATTACKER = {"host": "attacker.example:8000", "origin": "http://attacker.example:8000"}
EPISODE = {"leg": "left", "place": "calf", "severity": 5, "minutes": 2}


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _csrf(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match
    return match.group(1)


def _has_security_headers(response: httpx.Response) -> bool:
    return all(response.headers.get(name) == value for name, value in SECURITY_HEADERS.items())


# -- 1. DNS rebinding: every request names one of the server's own hosts ------------------
def test_item1_dns_rebinding_a_foreign_host_gets_400_before_any_route(
    app_settings: Settings,
) -> None:
    client = local_client(create_app(app_settings))
    for method, path in (("GET", "/"), ("GET", "/api/episodes"), ("GET", "/no-such")):
        refused = client.request(method, path, headers=ATTACKER)
        assert refused.status_code == 400, path
        assert _has_security_headers(refused)
    posted = client.post("/api/episodes", json=EPISODE, headers=ATTACKER)
    assert posted.status_code == 400
    assert client.get("/api/episodes").json() == []  # nothing was written
    with pytest.raises(WebSocketDenialResponse) as denied:
        client.websocket_connect("/api/live", headers=ATTACKER).__enter__()
    assert denied.value.status_code == 400
    assert client.get("/api/episodes", headers={"host": "localhost"}).status_code == 200


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("[::1]:8000", True),
        ("LocalHost:8000", True),
        ("127.0.0.1:8001", False),  # another port: another server
        ("127.0.0.1", False),  # no port, and 8000 is not http's default
        ("attacker.example:8000", False),
        ("127.0.0.1.nip.io:8000", False),
        ("user@127.0.0.1:8000", False),
        ("", False),
        ("::1:8000", False),
        ("127.0.0.1:80000", False),
    ],
)
def test_item1_dns_rebinding_host_names_with_the_port(header: str, allowed: bool) -> None:
    assert HostPolicy.for_server(port=8000).allows(header) is allowed


def test_item1_dns_rebinding_the_real_server(tmp_path: Path) -> None:
    with running_server(tmp_path / "data") as server, httpx.Client(base_url=server.url) as web:
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        attacker = {"host": f"attacker.example:{port}", "origin": f"http://attacker.example:{port}"}
        assert web.get("/api/episodes", headers=attacker).status_code == 400
        assert web.post("/api/episodes", json=EPISODE, headers=attacker).status_code == 400
        own = web.get("/api/episodes")
        assert own.status_code == 200 and own.json() == []
        assert web.get("/", headers={"host": f"localhost:{port}"}).status_code == 200


# -- 2. login flood: bounded checks, lockout, sessions that end ----------------------------
def _password_client(settings: Settings, gate: Gate) -> TestClient:
    return local_client(create_app(settings, gate=gate), follow_redirects=False)


def _login(client: TestClient, password: str) -> httpx.Response:
    token = _csrf(client.get("/login").text)
    return client.post("/login", data={"password": password, "next": "/", "csrf_token": token})


def test_item2_login_flood_locks_out_a_guessing_client_even_for_the_right_password(
    app_settings: Settings,
) -> None:
    gate = Gate.for_host("0.0.0.0", "night-owl")
    client = _password_client(app_settings, gate)
    free = gate.throttle.free_failures
    for _ in range(free + 1):
        assert _login(client, "wrong").status_code == 401
    locked = _login(client, "night-owl")
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) >= 1
    assert "try again" in locked.text.lower()
    assert _has_security_headers(locked)
    assert client.get("/api/routines").status_code == 401  # still logged out


def test_item2_login_flood_runs_at_most_max_checks_at_once(app_settings: Settings) -> None:
    gate = Gate.for_host("0.0.0.0", "night-owl")
    checks = 0
    original = gate.check_password

    def counted(attempt: str) -> bool:
        nonlocal checks
        checks += 1
        return original(attempt)

    gate.check_password = counted  # type: ignore[method-assign]
    client = _password_client(app_settings, gate)
    for slot in range(gate.throttle.max_checks):  # every check slot busy elsewhere
        gate.throttle.begin(f"other-{slot}")
    busy = _login(client, "night-owl")
    assert busy.status_code == 429 and busy.headers["retry-after"] == "1"
    assert checks == 0  # refused before any argon2 work
    for slot in range(gate.throttle.max_checks):
        gate.throttle.end(f"other-{slot}", success=True)
    assert _login(client, "night-owl").status_code == 303
    assert checks == 1


def test_item2_login_flood_lockouts_double_and_forget_on_success() -> None:
    now = [0.0]
    throttle = LoginThrottle(
        free_failures=2, first_lockout_s=1, max_lockout_s=8, clock=lambda: now[0]
    )
    waits = []
    for _ in range(8):
        try:
            throttle.begin("phone")
        except Exception as refused:  # Refused: wait out the lockout, as a client would
            waits.append(refused.retry_after_s)  # type: ignore[attr-defined]
            now[0] += refused.retry_after_s  # type: ignore[attr-defined]
            throttle.begin("phone")
        throttle.end("phone", success=False)
    assert waits == [1, 2, 4, 8, 8]
    now[0] += 8
    throttle.begin("phone")
    throttle.end("phone", success=True)
    assert throttle.failures("phone") == 0
    throttle.begin("laptop")  # another client was never locked
    throttle.end("laptop", success=True)


def test_item2_login_flood_the_real_server(tmp_path: Path) -> None:
    with (
        running_server(tmp_path / "data", host="0.0.0.0", password="night-owl") as server,
        httpx.Client(base_url=server.url) as web,
    ):
        token = _csrf(web.get("/login").text)
        answers = [
            web.post("/login", data={"password": "no", "next": "/", "csrf_token": token})
            for _ in range(Gate(password_hash=None).throttle.free_failures + 1)
        ]
        assert [a.status_code for a in answers[:-1]] == [401] * (len(answers) - 1)
        assert answers[-1].status_code == 401
        locked = web.post(
            "/login", data={"password": "night-owl", "next": "/", "csrf_token": token}
        )
        assert locked.status_code == 429 and _has_security_headers(locked)
        assert int(locked.headers["retry-after"]) >= 1


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.168.1.20", "192.168.1.20"),
        ("::ffff:192.168.1.20", "192.168.1.20"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # the same home's network
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_item2_login_flood_clients_are_told_apart_by_address(address: str | None, key: str) -> None:
    assert client_key(address) == key


def test_item2_login_flood_logout_really_ends_the_session(app_settings: Settings) -> None:
    gate = Gate.for_host("0.0.0.0", "night-owl")
    client = _password_client(app_settings, gate)
    assert _login(client, "night-owl").status_code == 303
    stolen = client.cookies.get("crampcoach_session")
    assert client.get("/api/routines").status_code == 200
    token = _csrf(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    replay = _password_client(app_settings, gate)
    replay.cookies.set("crampcoach_session", stolen)
    assert replay.get("/api/routines").status_code == 401


def test_item2_login_flood_a_new_password_ends_every_session(app_settings: Settings) -> None:
    gate = Gate.for_host("0.0.0.0", "night-owl")
    client = _password_client(app_settings, gate)
    assert _login(client, "night-owl").status_code == 303
    gate.change_password("lark")
    assert client.get("/api/routines").status_code == 401


# -- 6. no 500 from bad input, and a 500 still carries the headers -------------------------
def test_item6_web_500s_session_in_year_one_is_a_422(app_settings: Settings) -> None:
    client = local_client(create_app(app_settings))
    body = {
        "routine": "bedtime",
        "leg": "left",
        "tempo_s": 3,
        "started_at": "0001-01-01T00:00:00+00:00",
        "ended_at": "0001-01-01T00:05:00+00:00",
    }
    answer = client.post("/api/sessions", json=body)
    assert answer.status_code == 422
    assert "1900" in answer.text


@pytest.mark.parametrize("seed", ["²", "5" * 5000, "-1", "١٢"])
def test_item6_web_500s_trial_seed_is_a_field_error(app_settings: Settings, seed: str) -> None:
    client = local_client(create_app(app_settings))
    token = _csrf(client.get("/trial").text)
    answer = client.post(
        "/trial/start",
        data={"block_days": "14", "pairs": "3", "seed": seed, "csrf_token": token},
    )
    assert answer.status_code == 400
    assert "whole number" in answer.text
    assert client.get("/trial").text.count("Trial started") == 0


def test_item6_web_500s_carry_the_security_headers(app_settings: Settings) -> None:
    app = create_app(app_settings)

    @app.get("/api/broken")
    def broken() -> None:
        raise RuntimeError("a bug")

    client = local_client(app, raise_server_exceptions=False)
    answer = client.get("/api/broken")
    assert answer.status_code == 500
    assert _has_security_headers(answer)
    assert "a bug" not in answer.text


# -- 8. caps on bodies before parsing -------------------------------------------------------
def test_item8_body_over_the_cap_is_refused_before_parsing(app_settings: Settings) -> None:
    client = local_client(create_app(app_settings))
    big = b'{"leg": "' + b"x" * (BODY_LIMIT + 1) + b'"}'
    answer = client.post("/api/episodes", content=big, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and _has_security_headers(answer)
    chunks = iter([b'{"leg": ', b'"left"}'])
    chunked = client.post(
        "/api/episodes", content=chunks, headers={"content-type": "application/json"}
    )
    assert chunked.status_code == 411
    assert client.get("/api/episodes").json() == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tags", [f"t{i}" for i in range(21)]),
        ("tags", ["x" * 41]),
        ("severity", True),
        ("minutes", False),
        ("notes", "n" * 4001),
        ("started_at", "1899-12-31T23:00:00+00:00"),
        ("started_at", "2201-01-01T02:00:00+00:00"),
    ],
)
def test_item8_the_api_refuses_what_the_core_refuses(
    app_settings: Settings, field: str, value: object
) -> None:
    client = local_client(create_app(app_settings))
    answer = client.post("/api/episodes", json={**EPISODE, field: value})
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert len(answer.text) < 2000  # an excerpt of the bad value, never all of it


def test_item8_medicines_are_bounded_in_every_door(app_settings: Settings) -> None:
    client = local_client(create_app(app_settings))
    too_many = client.put("/api/profile", json={"medicines": [f"m{i}" for i in range(51)]})
    assert too_many.status_code == 422
    too_long = client.put("/api/profile", json={"medicines": ["m" * 201]})
    assert too_long.status_code == 422
    token = _csrf(client.get("/settings").text)
    form = client.post(
        "/settings",
        data={
            "timezone": "Europe/Amsterdam",
            "medicines": "m" * 201,
            "default_leg": "left",
            "csrf_token": token,
        },
    )
    assert form.status_code == 422 and 'id="medicines-error"' in form.text


# -- 9. /diary and the API are paged --------------------------------------------------------
def _fill(settings: Settings, count: int, *, night_of: datetime) -> set[str]:
    store = open_store(settings)
    ids = set()
    with store.write() as db:
        for i in range(count):
            data = EpisodeCreate(
                started_at=night_of + timedelta(seconds=7 * i),
                zone="Europe/Amsterdam",
                duration_s=60,
                leg="left",
                place="calf",
                severity=i % 11,
            )
            ids.add(episode_repo.create_episode(db=db, data=data, now=night_of).id)
    return ids


def _page_ids(html: str) -> list[str]:
    return re.findall(r'data-episode-id="([0-9a-f-]+)"', html)


def test_item9_diary_is_paged_and_every_entry_is_on_exactly_one_page(
    app_settings: Settings,
) -> None:
    night = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    ids = _fill(app_settings, 130, night_of=night)
    client = local_client(create_app(app_settings))
    seen: list[str] = []
    url: str | None = "/diary"
    pages = 0
    while url:
        page = client.get(url)
        assert page.status_code == 200
        on_page = _page_ids(page.text)
        assert 0 < len(on_page) <= 50
        seen += on_page
        pages += 1
        assert "130 cramps on 1 night" in page.text
        older = re.search(r'id="older-link"[^>]*href="([^"]+)"', page.text) or re.search(
            r'href="([^"]+)"[^>]*rel="next"', page.text
        )
        url = older.group(1).replace("&amp;", "&") if older else None
    assert pages == 3
    assert len(seen) == len(set(seen)) == 130 and set(seen) == ids


def test_item9_diary_page_costs_the_same_for_ten_or_thousands(app_settings: Settings) -> None:
    night = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
    _fill(app_settings, 60, night_of=night)
    client = local_client(create_app(app_settings))
    small = len(client.get("/diary").content)
    _fill(app_settings, 2000, night_of=night - timedelta(hours=5))
    large = len(client.get("/diary").content)
    assert large < small * 1.1


def test_item9_api_cursor_walks_every_entry_once(app_settings: Settings) -> None:
    night = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
    ids = _fill(app_settings, 250, night_of=night)
    client = local_client(create_app(app_settings))
    seen: list[str] = []
    params: dict[str, object] = {"limit": 100}
    while True:
        answer = client.get("/api/episodes", params=params)
        assert answer.status_code == 200
        page = [e["id"] for e in answer.json()]
        started = [e["started_at"] for e in answer.json()]
        assert started == sorted(started)  # each page oldest first
        seen += page
        cursor = answer.headers.get("x-next-cursor")
        if cursor is None:
            assert "link" not in answer.headers
            break
        assert 'rel="next"' in answer.headers["link"]
        params = {"limit": 100, "before": cursor}
    assert len(seen) == len(set(seen)) == 250 and set(seen) == ids
    bad = client.get("/api/episodes", params={"before": "not-a-cursor"})
    assert bad.status_code == 422 and "before" in bad.text


def test_item9_paging_survives_concurrent_writes(app_settings: Settings) -> None:
    """Entries written while someone pages never shift what the next page shows."""
    night = datetime.now(UTC).replace(microsecond=0) - timedelta(days=4)
    ids = _fill(app_settings, 120, night_of=night)
    client = local_client(create_app(app_settings))
    first = client.get("/api/episodes", params={"limit": 50})
    writer = threading.Thread(
        target=_fill, args=(app_settings, 30), kwargs={"night_of": night + timedelta(hours=1)}
    )
    writer.start()
    writer.join()
    seen = [e["id"] for e in first.json()]
    cursor = first.headers["x-next-cursor"]
    while cursor:
        answer = client.get("/api/episodes", params={"limit": 50, "before": cursor})
        seen += [e["id"] for e in answer.json()]
        cursor = answer.headers.get("x-next-cursor")
    assert set(seen) == ids and len(seen) == 120


def test_origin_check_still_applies_with_the_right_host(app_settings: Settings) -> None:
    client = local_client(create_app(app_settings))
    foreign = client.post("/api/episodes", json=EPISODE, headers={"origin": "http://evil.example"})
    assert foreign.status_code == 403
    own = client.post("/api/episodes", json=EPISODE, headers=ORIGIN)
    assert own.status_code == 201
    assert BASE_URL in ORIGIN["origin"]
