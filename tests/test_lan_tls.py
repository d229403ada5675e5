"""Issue 15, `crampcoach serve --lan`: the local CA and the server certificate, pairing by
a one-time QR code, paired devices, and the Host allow-list on the HTTPS server.

Certificates are made for real (cryptography) in a temporary data dir, with an injected
`now`; pairing runs in-process through the whole app (Gatekeeper included) with an https
base URL; the Host checks run against the real `crampcoach serve --lan` in a subprocess.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import socket
import ssl
import stat
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.x509 import DNSName, IPAddress
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from fastapi.testclient import TestClient
from starlette.testclient import WebSocketDenialResponse
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from crampcoach.errors import NotFoundError
from crampcoach.lan import files
from crampcoach.lan.certificates import LanCertificates, ensure_certificates
from crampcoach.lan.names import NameScope, certificate_names, preferred_name
from crampcoach.lan.pairing import PAIRING_LIFETIME_S, PairingTokens
from crampcoach.lan.server_certificate import issue
from crampcoach.lan.site import LanSite
from crampcoach.services import devices as device_service
from crampcoach.services.diary import standing
from crampcoach.services.storage import open_store
from crampcoach.settings import Settings
from crampcoach.store import Store as DiaryStore
from crampcoach.web import create_app
from crampcoach.web.hosts import HostPolicy
from crampcoach.web.security import DEVICE_COOKIE, Gate
from web_server import LanServer, running_lan_server

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)
HOSTNAME = "vm"
CANDIDATES = [
    "localhost",
    "127.0.0.1",
    "::1",
    HOSTNAME,
    f"{HOSTNAME}.local",
    "192.168.1.20",
    "fd00::2",
    "203.0.113.9",  # a public address: the CA may not vouch for it
    "0.0.0.0",
]
EXPECTED = (
    "localhost",
    "vm",
    "vm.local",
    "127.0.0.1",
    "192.168.1.20",
    "::1",
    "fd00::2",
)
BASE = "https://vm.local:8443"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _make(directory: Path, candidates: list[str] = CANDIDATES, **kw: datetime) -> LanCertificates:
    return ensure_certificates(directory, candidates, HOSTNAME, now=kw.get("now", NOW))


def _verify(certs: LanCertificates, name: x509.GeneralName, when: datetime = NOW) -> None:
    store = Store([certs.authority.certificate])
    verifier = PolicyBuilder().store(store).time(when).build_server_verifier(name)
    verifier.verify(certs.certificate, [])


# -- certificates -----------------------------------------------------------------------
def test_the_certificate_covers_every_name_the_server_answers_to(tmp_path: Path) -> None:
    certs = _make(tmp_path / "lan")
    assert certs.names == EXPECTED
    assert certs.left_out == ("203.0.113.9",)
    sans = certs.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    dns = sans.get_values_for_type(x509.DNSName)
    ips = [str(ip) for ip in sans.get_values_for_type(x509.IPAddress)]
    assert sorted([*dns, *ips]) == sorted(EXPECTED)
    assert {"localhost", "127.0.0.1", "::1", "vm.local"} <= set(dns) | set(ips)
    lifetime = certs.not_after - certs.certificate.not_valid_before_utc
    assert lifetime <= timedelta(days=397)  # what browsers accept for a server certificate
    assert certs.authority.name == "crampcoach local CA (vm)"


def test_the_server_certificate_verifies_against_the_ca(tmp_path: Path) -> None:
    certs = _make(tmp_path / "lan")
    for name in ("vm.local", "localhost", "vm"):
        _verify(certs, DNSName(name))
    import ipaddress

    for address in ("127.0.0.1", "192.168.1.20", "fd00::2"):
        _verify(certs, IPAddress(ipaddress.ip_address(address)))
    with pytest.raises(VerificationError):
        _verify(certs, DNSName("attacker.example"))
    with pytest.raises(VerificationError):
        _verify(certs, DNSName("vm.local"), NOW + timedelta(days=200))  # expired by then
    if shutil.which("openssl"):
        checked = subprocess.run(
            ["openssl", "verify", "-CAfile", str(certs.ca_file), str(certs.cert_file)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0 and checked.stdout.strip().endswith(": OK"), checked


def test_the_ca_cannot_vouch_for_names_outside_the_home_network(tmp_path: Path) -> None:
    """Name constraints: even with the CA's key, a certificate for a bank does not verify."""
    certs = _make(tmp_path / "lan")
    forged, _ = issue(certs.authority, ["bank.example"], NOW)
    verifier = (
        PolicyBuilder()
        .store(Store([certs.authority.certificate]))
        .time(NOW)
        .build_server_verifier(DNSName("bank.example"))
    )
    with pytest.raises(VerificationError):
        verifier.verify(forged, [])
    constraints = certs.authority.certificate.extensions.get_extension_for_class(
        x509.NameConstraints
    )
    assert constraints.critical
    basic = certs.authority.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0


def test_keys_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    certs = _make(tmp_path / "lan")
    directory = certs.directory
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for key in ("ca.key", "server.key"):
        assert stat.S_IMODE((directory / key).stat().st_mode) == 0o600, key
    os.chmod(directory / "ca.key", 0o644)  # loosened by someone: tightened at the next start
    _make(directory)
    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600
    assert not list(directory.glob("*.tmp"))


def test_nothing_is_made_again_while_the_certificate_serves(tmp_path: Path) -> None:
    first = _make(tmp_path / "lan")
    assert len(first.changes) == 2  # the CA and the server certificate, on first use
    again = _make(tmp_path / "lan", now=NOW + timedelta(days=149))
    assert again.changes == ()
    assert again.certificate.serial_number == first.certificate.serial_number


def test_the_server_certificate_is_renewed_before_it_ends(tmp_path: Path) -> None:
    first = _make(tmp_path / "lan")
    later = NOW + timedelta(days=151)  # 29 days left: under the 30 that trigger renewal
    renewed = _make(tmp_path / "lan", now=later)
    assert renewed.certificate.serial_number != first.certificate.serial_number
    assert renewed.not_after - later > timedelta(days=150)
    assert renewed.authority.fingerprint() == first.authority.fingerprint()  # same CA
    assert len(renewed.changes) == 1 and "ends on" in renewed.changes[0]
    _verify(renewed, DNSName("vm.local"), later)


def test_the_server_certificate_is_renewed_when_the_names_change(tmp_path: Path) -> None:
    first = _make(tmp_path / "lan")
    moved = [n for n in CANDIDATES if n != "192.168.1.20"] + ["192.168.1.77"]
    renewed = _make(tmp_path / "lan", moved)
    assert "192.168.1.77" in renewed.names and "192.168.1.20" not in renewed.names
    assert renewed.certificate.serial_number != first.certificate.serial_number
    assert renewed.authority.fingerprint() == first.authority.fingerprint()
    assert "+192.168.1.77" in renewed.changes[0] and "-192.168.1.20" in renewed.changes[0]


def test_a_broken_key_or_ca_is_made_anew(tmp_path: Path) -> None:
    first = _make(tmp_path / "lan")
    (first.directory / "server.key").write_bytes(b"not a key")
    fixed = _make(tmp_path / "lan")
    assert fixed.changes == (
        "made a new server certificate, valid until 2027-05-30 (the old one was unreadable)",
    )
    (first.directory / "ca.pem").write_bytes(b"garbage")
    remade = _make(tmp_path / "lan")
    assert remade.authority.fingerprint() != first.authority.fingerprint()
    assert "phones must trust it again" in remade.changes[0]
    assert "it was not signed by this CA" in remade.changes[1]
    _verify(remade, DNSName("vm.local"))


def test_the_ca_is_made_anew_before_it_ends(tmp_path: Path) -> None:
    first = _make(tmp_path / "lan")
    ending = first.authority.certificate.not_valid_after_utc - timedelta(days=59)
    remade = _make(tmp_path / "lan", now=ending)
    assert remade.authority.fingerprint() != first.authority.fingerprint()


def test_files_are_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "ca.key"
    files.write_whole(target, b"old", mode=0o600)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        files.write_whole(target, b"new", mode=0o600)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["ca.key"]  # no half-written file left


def _served_certificate(server_context: ssl.SSLContext, certs: LanCertificates) -> x509.Certificate:
    """The certificate `server_context` presents, by a TLS handshake in memory."""
    client_context = ssl.create_default_context(cafile=str(certs.ca_file))
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    from_server, from_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    client = client_context.wrap_bio(to_client, from_client, server_hostname="vm.local")
    server = server_context.wrap_bio(to_server, from_server, server_side=True)
    for _ in range(10):  # hand the bytes across until both sides are done
        waiting = False
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                waiting = True
        to_server.write(from_client.read())
        to_client.write(from_server.read())
        if not waiting:
            break
    return x509.load_der_x509_certificate(client.getpeercert(binary_form=True))


def test_a_running_server_renews_its_certificate_once_a_day(tmp_path: Path) -> None:
    import asyncio

    import uvicorn

    from crampcoach.lan.tls_server import RENEWAL_CHECK_S, RenewingServer

    certs = _make(tmp_path / "lan", now=datetime.now(UTC) - timedelta(days=160))
    config = uvicorn.Config(
        lambda *args: None,
        ssl_certfile=str(certs.cert_file),
        ssl_keyfile=str(certs.key_file),
        log_level="warning",
    )
    config.load()
    assert _served_certificate(config.ssl, certs) == certs.certificate
    clock = Clock()
    renewals: list[LanCertificates] = []

    def renew() -> LanCertificates:
        renewals.append(ensure_certificates(certs.directory, certs.names, HOSTNAME))
        return renewals[-1]

    server = RenewingServer(config, renew, clock=clock)
    asyncio.run(server.on_tick(1))
    assert renewals == []  # not yet a day
    clock.now += RENEWAL_CHECK_S
    asyncio.run(server.on_tick(2))
    asyncio.run(server.on_tick(3))
    assert len(renewals) == 1 and "ends on" in renewals[0].changes[0]
    served = _served_certificate(config.ssl, certs)
    assert served == renewals[0].certificate != certs.certificate  # new connections get it


def test_names_the_ca_may_vouch_for() -> None:
    scope = NameScope.for_host("vm")
    kept, left = certificate_names(
        ["VM.LOCAL.", "[::1]", "10.1.2.3", "100.64.0.7", "8.8.8.8", "2001:db8::1", "bad_name"],
        scope,
    )
    assert kept == ("vm.local", "10.1.2.3", "100.64.0.7", "::1")
    assert left == ("bad_name", "8.8.8.8", "2001:db8::1")
    assert preferred_name(kept, "10.1.2.3") == "10.1.2.3"
    assert preferred_name(("localhost", "vm.local", "127.0.0.1")) == "vm.local"


# -- pairing codes ------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_pairing_code_works_once_and_expires() -> None:
    clock = Clock()
    tokens = PairingTokens(clock=clock)
    code = tokens.current()
    assert len(code.token) >= 22  # 16 random bytes: 128 bits
    assert tokens.current().token == code.token  # the terminal's and /phone's are the same
    assert tokens.redeem(code.token) == "paired"
    assert tokens.redeem(code.token) == "used"
    fresh = tokens.current()
    assert fresh.token != code.token
    clock.now += PAIRING_LIFETIME_S
    assert tokens.redeem(fresh.token) == "expired"
    assert tokens.redeem("not-a-code") == "unknown"
    assert tokens.redeem("") == "unknown"
    assert tokens.current().token != fresh.token  # an expired code is replaced


# -- pairing through the app ---------------------------------------------------------------
@dataclass
class LanApp:
    client: TestClient
    site: LanSite
    clock: Clock
    store: DiaryStore
    gate: Gate
    certs: LanCertificates
    settings: Settings

    def new_client(self, **options: object) -> TestClient:
        return _client(self, **options)


def _client(lan: LanApp, **options: object) -> TestClient:
    app = create_app(
        lan.settings,
        gate=lan.gate,
        hosts=HostPolicy(frozenset(lan.certs.names), port=8443, scheme="https"),
    )
    app.state.lan = lan.site
    options.setdefault("follow_redirects", False)
    return TestClient(app, base_url=BASE, **options)  # type: ignore[arg-type]


@pytest.fixture
def lan(tmp_path: Path) -> Iterator[LanApp]:
    settings = Settings(data_dir=tmp_path / "data")
    store = open_store(settings)
    certs = _make(tmp_path / "data" / "lan", now=datetime.now(UTC))
    clock = Clock()
    site = LanSite.from_certificates(certs, "vm.local", 8443, PairingTokens(clock=clock))
    gate = Gate.for_lan(None, devices=device_service.device_login(store))
    made = LanApp(None, site, clock, store, gate, certs, settings)  # type: ignore[arg-type]
    made.client = _client(made, headers={"user-agent": IPHONE})
    yield made


def _token(url: str) -> str:
    return url.split("token=", 1)[1]


def _csrf(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match
    return match.group(1)


def test_a_qr_code_logs_a_phone_in_once(lan: LanApp) -> None:
    phone = lan.client
    assert phone.get("/").headers["location"] == "/login?next=/"  # off loopback: a login
    login = phone.get("/login")
    assert "scan its" in login.text and 'type="password"' not in login.text
    url = lan.site.pair_url()
    assert url.startswith("https://vm.local:8443/pair?token=")
    paired = phone.get(url)
    assert paired.status_code == 303 and paired.headers["location"] == "/"
    assert phone.get("/").status_code == 200
    assert phone.get("/api/episodes").status_code == 200

    thief = lan.new_client()
    again = thief.get(url)
    assert again.status_code == 410
    assert "already used" in again.text and "/phone" in again.text
    assert thief.get("/").status_code == 303  # still logged out
    assert [d.name for d in device_service.list_devices(lan.store)] == ["iPhone Safari"]


def test_the_device_cookie_is_httponly_secure_and_strict(lan: LanApp) -> None:
    response = lan.client.get(lan.site.pair_url())
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie"]
    device = next(c for c in cookies if c.startswith(DEVICE_COOKIE + "="))
    flags = {part.strip().lower() for part in device.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    assert "max-age=34560000" in flags  # 400 days
    assert not any(f.startswith("domain") for f in flags)
    token = device.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43  # 32 random bytes
    with lan.store.read() as db:  # stored hashed, never as is
        from crampcoach.store.models import DeviceRow

        row = db.query(DeviceRow).one()
    assert row.token_hash == device_service.token_hash(token) and token not in row.token_hash


def test_a_pairing_code_expires(lan: LanApp) -> None:
    url = lan.site.pair_url()
    lan.clock.now += PAIRING_LIFETIME_S + 1
    expired = lan.client.get(url)
    assert expired.status_code == 410 and "expired" in expired.text
    fresh = lan.site.pair_url()  # what /phone shows now
    assert fresh != url
    assert lan.client.get(fresh).status_code == 303
    assert lan.client.get("/").status_code == 200


def test_wrong_codes_are_refused_and_throttled(lan: LanApp) -> None:
    guesser = lan.new_client()
    wrong = guesser.get("/pair", params={"token": "A" * 22})
    assert wrong.status_code == 403 and "not valid" in wrong.text
    for _ in range(lan.gate.throttle.free_failures):
        guesser.get("/pair", params={"token": "B" * 22})
    locked = guesser.get(lan.site.pair_url())  # even the right code waits
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) >= 1
    assert guesser.get("/").status_code == 303


def test_a_revoked_device_is_refused_at_once(lan: LanApp) -> None:
    phone = lan.client
    phone.get(lan.site.pair_url())
    page = phone.get("/settings")
    assert page.status_code == 200
    assert "iPhone Safari" in page.text and "this device" in page.text
    device = device_service.list_devices(lan.store)[0]
    laptop = lan.new_client(client=("127.0.0.1", 50000))  # the computer itself
    settings_page = laptop.get("/settings")
    assert f"/settings/devices/{device.id}/revoke" in settings_page.text
    revoked = laptop.post(
        f"/settings/devices/{device.id}/revoke", data={"csrf_token": _csrf(settings_page.text)}
    )
    assert revoked.status_code == 303
    assert "no longer paired" in laptop.get("/settings").text
    assert phone.get("/").headers["location"] == "/login?next=/"
    assert phone.get("/api/episodes").status_code == 401
    with pytest.raises(WebSocketDenialResponse) as denied:
        phone.websocket_connect(
            "wss://vm.local:8443/api/live", headers={"origin": BASE}
        ).__enter__()
    assert denied.value.status_code == 403
    assert device_service.list_devices(lan.store) == []


def test_a_paired_device_may_open_the_live_websocket(lan: LanApp) -> None:
    lan.client.get(lan.site.pair_url())
    with lan.client.websocket_connect(
        "wss://vm.local:8443/api/live", headers={"origin": BASE}
    ) as socket_:
        assert socket_ is not None


def test_the_password_still_logs_in_on_the_lan(lan: LanApp) -> None:
    lan.gate = Gate.for_lan("night-owl", devices=device_service.device_login(lan.store))
    browser = lan.new_client()
    form = browser.get("/login")
    assert 'type="password"' in form.text
    token = _csrf(form.text)
    assert (
        browser.post("/login", data={"password": "wrong", "csrf_token": token}).status_code == 401
    )
    ok = browser.post("/login", data={"password": "night-owl", "next": "/", "csrf_token": token})
    assert ok.status_code == 303
    assert browser.get("/").status_code == 200


def test_without_a_password_no_password_logs_in(lan: LanApp) -> None:
    assert not lan.gate.check_password("")
    assert not lan.gate.check_password("anything")


def test_device_cookie_writes_last_seen_at_most_once_a_minute(lan: LanApp) -> None:
    paired = device_service.pair_device(lan.store, IPHONE, now=NOW)
    version = standing(lan.store).version
    seen = device_service.recognise_device(lan.store, paired.token, now=NOW + timedelta(seconds=30))
    assert seen is not None and seen.last_seen_at == NOW
    device_service.recognise_device(lan.store, paired.token, now=NOW + timedelta(seconds=61))
    assert device_service.list_devices(lan.store)[0].last_seen_at == NOW + timedelta(seconds=61)
    assert standing(lan.store).version == version  # the diary did not change: its caches stay
    assert device_service.recognise_device(lan.store, "x" * 43) is None
    assert device_service.recognise_device(lan.store, "bad token!") is None


def test_devices_are_kept_on_sqlite_and_postgresql(store: DiaryStore) -> None:
    """The devices table (migration 0006) on both back ends: pair, recognise, revoke."""
    first = device_service.pair_device(store, IPHONE, now=NOW)
    second = device_service.pair_device(store, "", now=NOW + timedelta(minutes=5))
    assert [d.name for d in device_service.list_devices(store)] == ["A browser", "iPhone Safari"]
    assert device_service.recognise_device(store, first.token, now=NOW) == first.device
    device_service.revoke_device(store, first.device.id, now=NOW + timedelta(hours=1))
    assert device_service.recognise_device(store, first.token) is None
    assert device_service.list_devices(store) == [second.device]
    with pytest.raises(NotFoundError):
        device_service.revoke_device(store, first.device.id)


AGENTS = {
    "iPhone Safari": IPHONE,
    "Android Chrome": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126 "
        "Mobile Safari/537.36"
    ),
    "iPhone Chrome": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) AppleWebKit/605.1.15 CriOS/126 Mobile/15E148 "
        "Safari/604.1"
    ),
    "Android Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 SamsungBrowser/25.0 "
        "Chrome/121 Mobile Safari/537.36"
    ),
    "Android Firefox": "Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0",
    "A browser": "",
}


@pytest.mark.parametrize(("name", "agent"), AGENTS.items())
def test_a_device_is_named_after_its_browser(name: str, agent: str) -> None:
    assert device_service.device_name(agent) == name


# -- /phone and the CA downloads ---------------------------------------------------------
def test_the_phone_page_is_for_this_computer_only(lan: LanApp) -> None:
    laptop = lan.new_client(client=("127.0.0.1", 50000))
    page = laptop.get("/phone")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    url = re.search(r'id="pair-url"[^>]*>([^<]+)<', page.text)
    assert url and url.group(1) == lan.site.pair_url()
    assert page.text.count("<svg") == 2 and "<script" not in page.text.split("</head>")[1]
    assert "style=" not in page.text  # the CSP allows no inline style
    assert lan.certs.authority.fingerprint() in page.text
    assert "VPN &amp; Device Management" in page.text and "CA certificate" in page.text
    ipv6 = lan.new_client(client=("::1", 50000))
    assert ipv6.get("/phone").status_code == 200

    phone = lan.client  # another machine, even logged in: the page does not exist for it
    assert phone.get("/phone").status_code == 303
    phone.get(lan.site.pair_url())
    assert phone.get("/phone").status_code == 404


def test_the_phone_page_on_plain_serve_says_how_to_start(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data"))
    laptop = TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 1))
    page = laptop.get("/phone")
    assert page.status_code == 200
    assert "start with\n    <code>crampcoach serve --lan</code> to use a phone" in page.text
    assert laptop.get("/ca.crt").status_code == 404
    assert laptop.get("/pair", params={"token": "x"}).status_code == 404
    other = TestClient(app, base_url="http://127.0.0.1")
    assert other.get("/phone").status_code == 404


def test_the_ca_downloads_need_no_login(lan: LanApp) -> None:
    stranger = lan.new_client()
    der = stranger.get("/ca.crt")
    assert der.status_code == 200
    assert der.headers["content-type"] == "application/x-x509-ca-cert"
    assert x509.load_der_x509_certificate(der.content) == lan.certs.authority.certificate
    profile = stranger.get("/ca.mobileconfig")
    assert profile.headers["content-type"] == "application/x-apple-aspen-config"
    parsed = plistlib.loads(profile.content)
    assert parsed["PayloadType"] == "Configuration"
    (root,) = parsed["PayloadContent"]
    assert root["PayloadType"] == "com.apple.security.root"
    assert root["PayloadContent"] == der.content
    assert stranger.get("/ca.mobileconfig").content == profile.content  # stable


def test_https_pages_carry_hsts_but_not_for_loopback_names(lan: LanApp) -> None:
    lan.client.get(lan.site.pair_url())
    page = lan.client.get("/")
    assert page.headers["strict-transport-security"] == "max-age=31536000"
    laptop = TestClient(lan.client.app, base_url="https://localhost:8443", client=("127.0.0.1", 1))
    assert "strict-transport-security" not in laptop.get("/").headers
    plain = TestClient(create_app(lan.settings), base_url="http://127.0.0.1")
    assert "strict-transport-security" not in plain.get("/").headers


def test_the_host_list_is_exactly_the_certificates_names(lan: LanApp) -> None:
    for name in lan.certs.names:
        host = f"[{name}]" if ":" in name else name
        assert lan.client.get("/healthz", headers={"host": f"{host}:8443"}).status_code == 200
    for host in ("attacker.example:8443", "vm.local:8000", "203.0.113.9:8443", "vm.local"):
        assert lan.client.get("/healthz", headers={"host": host}).status_code == 400, host


# -- the real server ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def lan_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanServer]:
    with running_lan_server(tmp_path_factory.mktemp("lan") / "data") as server:
        yield server


def _good_name(server) -> str:
    return next(n for n in server.names() if n.endswith(".local") or n == "localhost")


def test_a_wrong_host_gets_400_on_the_lan_server(lan_server) -> None:
    port = lan_server.port
    name = _good_name(lan_server)
    attacker = {"host": f"attacker.example:{port}"}
    with httpx.Client(base_url=lan_server.url, verify=lan_server.tls()) as web:
        for path in ("/", "/api/episodes", "/login", "/pair?token=x", "/ca.crt"):
            assert web.get(path, headers=attacker).status_code == 400, path
        good = web.get(
            "/api/episodes",
            headers={"host": f"{name}:{port}"},
            extensions={"sni_hostname": name},
        )
        assert good.status_code == 200  # this computer itself: no login needed
        assert web.get("/", headers={"host": f"127.0.0.1:{port + 1}"}).status_code == 400

    def websocket(host: str, sni: str) -> None:
        with (
            socket.create_connection(("127.0.0.1", port)) as raw,
            ws_connect(
                f"wss://{host}:{port}/api/live",
                sock=raw,
                ssl=lan_server.tls(),
                server_hostname=sni,
                origin=f"https://{host}:{port}",  # type: ignore[arg-type]
                open_timeout=10,
            ),
        ):
            pass

    with pytest.raises(InvalidStatus) as refused:
        websocket("attacker.example", "127.0.0.1")
    assert refused.value.response.status_code == 400
    websocket(name, name)  # the right name opens


def test_the_lan_server_prints_its_url_and_qr_code(lan_server) -> None:
    log = lan_server.log_text()
    assert "made a new local CA" in log
    match = re.search(r"running at (https://\S+)/", log)
    assert match and match.group(1).endswith(f":{lan_server.port}")
    assert "▄" in log or "█" in log  # the QR code, in half blocks
    assert "/phone" in log
    # the certificate it serves is the one on disk, and verifies against the CA
    context = lan_server.tls()
    with (
        socket.create_connection(("127.0.0.1", lan_server.port)) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        served = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
    on_disk = x509.load_pem_x509_certificate(
        (lan_server.data_dir / "lan" / "server.pem").read_bytes()
    )
    assert served == on_disk


def test_serve_lan_refuses_a_public_host(tmp_path: Path) -> None:
    from web_server import crampcoach, server_env

    result = crampcoach(
        "serve",
        "--lan",
        "--host",
        "203.0.113.9",
        "--port",
        "18999",
        env=server_env(tmp_path / "data"),
    )
    assert result.returncode == 2
    assert result.stderr.startswith("crampcoach: error: --lan serves your home network")
    assert "Traceback" not in result.stderr


def test_plain_serve_stays_loopback_http(tmp_path: Path) -> None:
    from web_server import running_server

    with running_server(tmp_path / "data") as server:
        assert server.url.startswith("http://127.0.0.1:")
        answer = httpx.get(server.url)
        assert answer.status_code == 200 and "strict-transport-security" not in answer.headers
    assert not (tmp_path / "data" / "lan").exists()  # no CA made
