"""Security of the local web app, in-process: loopback only unless a password is set,
login, CSRF on form posts, cross-site refusal, escaping and response headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crampcoach.errors import UserError
from crampcoach.settings import Settings
from crampcoach.web import create_app
from crampcoach.web.security import Gate, ServeRefused, is_loopback, needs_csrf_token
from web_client import local_client


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def _client(settings: Settings, gate: Gate | None = None) -> TestClient:
    return local_client(create_app(settings, gate=gate), follow_redirects=False)


def _csrf(page_html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page_html)
    assert match, "every page carries its CSRF token"
    return match.group(1)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_a_network_address_without_password_is_refused() -> None:
    with pytest.raises(ServeRefused, match="CRAMPCOACH_PASSWORD") as caught:
        Gate.for_host("0.0.0.0", None)
    assert isinstance(caught.value, UserError)
    with pytest.raises(ServeRefused):
        Gate.for_host("192.168.1.20", "   ")  # a blank password is no password


def test_loopback_needs_no_login_and_a_password_is_hashed_with_argon2() -> None:
    assert not Gate.for_host("127.0.0.1", None).login_required
    gate = Gate.for_host("0.0.0.0", "night-owl")
    assert gate.login_required
    assert gate.password_hash is not None and gate.password_hash.startswith("$argon2")
    assert "night-owl" not in gate.password_hash
    assert gate.check_password("night-owl")
    assert not gate.check_password("Night-owl")


def test_serve_refuses_a_network_host_without_password(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from crampcoach.cli import main

    monkeypatch.delenv("CRAMPCOACH_PASSWORD", raising=False)
    monkeypatch.setenv("CRAMPCOACH_DATA_DIR", str(app_settings.data_dir))
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--host", "0.0.0.0", "--port", "8799"])
    assert exited.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("crampcoach: error: refusing to serve on 0.0.0.0")


def test_with_a_password_everything_but_login_needs_a_session(app_settings: Settings) -> None:
    client = _client(app_settings, Gate.for_host("0.0.0.0", "night-owl"))
    page = client.get("/")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/"
    assert client.get("/api/routines").status_code == 401
    assert client.get("/static/app.css").status_code == 200
    login = client.get("/login")
    token = _csrf(login.text)
    wrong = client.post("/login", data={"password": "owl", "next": "/", "csrf_token": token})
    assert wrong.status_code == 401 and "not right" in wrong.text
    assert client.get("/api/routines").status_code == 401
    right = client.post(
        "/login", data={"password": "night-owl", "next": "/diary", "csrf_token": token}
    )
    assert right.status_code == 303 and right.headers["location"] == "/diary"
    assert client.get("/api/routines").status_code == 200
    assert client.get("/").status_code == 200


def test_login_redirects_only_within_the_app(app_settings: Settings) -> None:
    client = _client(app_settings, Gate.for_host("0.0.0.0", "night-owl"))
    token = _csrf(client.get("/login").text)
    answer = client.post(
        "/login", data={"password": "night-owl", "next": "//evil.example/", "csrf_token": token}
    )
    assert answer.headers["location"] == "/"


def test_form_posts_need_the_csrf_token(app_settings: Settings) -> None:
    client = _client(app_settings, Gate.for_host("0.0.0.0", "night-owl"))
    client.get("/login")
    refused = client.post("/login", data={"password": "night-owl", "next": "/"})
    assert refused.status_code == 403
    forged = client.post(
        "/login", data={"password": "night-owl", "next": "/", "csrf_token": "forged"}
    )
    assert forged.status_code == 403


def test_a_foreign_origin_is_refused_even_for_json(app_settings: Settings) -> None:
    client = _client(app_settings)
    answer = client.post(
        "/api/sessions",
        json={},
        headers={"Origin": "http://evil.example"},
    )
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("method", "content_type", "needed"),
    [
        ("GET", "", False),
        ("POST", "application/x-www-form-urlencoded", True),
        ("POST", "multipart/form-data; boundary=x", True),
        ("POST", "text/plain", True),
        ("POST", "", True),
        ("POST", "application/json", False),
        ("DELETE", "", False),
        ("PATCH", "application/json", False),
    ],
)
def test_which_requests_need_a_token(method: str, content_type: str, needed: bool) -> None:
    # Only requests a cross-site page can send without a CORS preflight need the token.
    assert needs_csrf_token(method, content_type) is needed


def test_security_headers_on_pages_api_and_errors(app_settings: Settings) -> None:
    client = _client(app_settings)
    for path in ("/", "/play/bedtime", "/api/routines", "/no-such-page"):
        answer = client.get(path)
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
    cookie = _client(app_settings).get("/").headers.get("set-cookie", "")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_pages_have_no_inline_script_or_style(app_settings: Settings) -> None:
    client = _client(app_settings)
    for path in ("/", "/play/bedtime", "/play/cramp-now"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html, path


def test_a_tampered_session_cookie_is_replaced(app_settings: Settings) -> None:
    gate = Gate.for_host("0.0.0.0", "night-owl")
    client = _client(app_settings, gate)
    forged = gate.encode({"csrf": "x", "auth": True, "exp": 9999999999})
    payload, _signature = forged.rsplit(".", 1)
    client.cookies.set("crampcoach_session", f"{payload}.{'0' * 64}")
    assert client.get("/api/routines").status_code == 401


def test_unknown_pages_and_routines_are_plain_404s(app_settings: Settings) -> None:
    client = _client(app_settings)
    page = client.get("/play/no-such-routine")
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no-such-routine" in page.text
    api = client.get("/api/timeline", params={"routine": "../../etc/passwd"})
    assert api.status_code == 404 and "unknown routine" in api.json()["detail"]
