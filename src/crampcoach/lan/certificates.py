"""The CA and the server certificate on disk: made when missing, renewed when due.

`ensure_certificates` is what `crampcoach serve --lan` calls at start (and once a day
while it runs). Files live in DATA_DIR/lan/: ca.pem, ca.key, server.pem, server.key;
the keys and the folder are readable by their owner only; each file is written whole or
not at all, and a key that does not match its certificate counts as missing.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from crampcoach.lan import authority as ca
from crampcoach.lan import server_certificate as server
from crampcoach.lan.files import PRIVATE, PUBLIC, private_dir, read_or_none, write_whole
from crampcoach.lan.names import certificate_names

CA_CERT, CA_KEY = "ca.pem", "ca.key"
SERVER_CERT, SERVER_KEY = "server.pem", "server.key"


@dataclass(frozen=True)
class LanCertificates:
    directory: Path
    authority: ca.Authority
    certificate: x509.Certificate
    names: tuple[str, ...]  # what the server certificate is for: the names the server answers to
    left_out: tuple[str, ...]  # names of this machine the CA may not vouch for (public ones)
    changes: tuple[str, ...]  # what was made just now, and why

    @property
    def ca_file(self) -> Path:
        return self.directory / CA_CERT

    @property
    def cert_file(self) -> Path:
        return self.directory / SERVER_CERT

    @property
    def key_file(self) -> Path:
        return self.directory / SERVER_KEY

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc


def ensure_certificates(
    directory: Path, candidates: Iterable[str], hostname: str, *, now: datetime | None = None
) -> LanCertificates:
    """The CA (made on first use) and a server certificate for those of `candidates` the
    CA may vouch for, renewed when it is close to its end or the names changed."""
    now = now or datetime.now(UTC)
    private_dir(directory)
    changes: list[str] = []
    with _locked(directory):
        authority = _authority(directory, hostname, now, changes)
        names, left_out = certificate_names(candidates, authority.scope)
        certificate = _server_certificate(directory, authority, names, now, changes)
    return LanCertificates(directory, authority, certificate, names, left_out, tuple(changes))


def _authority(directory: Path, hostname: str, now: datetime, changes: list[str]) -> ca.Authority:
    cert_bytes, key_bytes = read_or_none(directory / CA_CERT), read_or_none(directory / CA_KEY)
    found = None
    if cert_bytes is not None and key_bytes is not None:
        certificate, key = ca.load_certificate(cert_bytes), ca.load_key(key_bytes)
        if certificate is not None and key is not None and ca.same_key(certificate, key):
            found = ca.Authority(certificate, key)
    if found is not None and found.usable(now):
        os.chmod(directory / CA_KEY, PRIVATE)
        return found
    made = ca.make_authority(hostname, now)
    write_whole(directory / CA_KEY, ca.key_pem(made.key), mode=PRIVATE)
    write_whole(directory / CA_CERT, made.pem(), mode=PUBLIC)
    why = "first use" if cert_bytes is None else "the old one was unreadable or ending"
    changes.append(f"made a new local CA, {made.name} ({why}): phones must trust it again")
    return made


def _server_certificate(
    directory: Path,
    authority: ca.Authority,
    names: tuple[str, ...],
    now: datetime,
    changes: list[str],
) -> x509.Certificate:
    cert_bytes = read_or_none(directory / SERVER_CERT)
    key_bytes = read_or_none(directory / SERVER_KEY)
    reason = "there was none"
    if cert_bytes is not None and key_bytes is not None:
        certificate, key = ca.load_certificate(cert_bytes), ca.load_key(key_bytes)
        if certificate is None or key is None or not ca.same_key(certificate, key):
            reason = "the old one was unreadable"
        else:
            found = server.renewal_reason(certificate, authority, names, now)
            if found is None:
                os.chmod(directory / SERVER_KEY, PRIVATE)
                return certificate
            reason = found
    certificate, key = server.issue(authority, names, now)
    write_whole(directory / SERVER_KEY, ca.key_pem(key), mode=PRIVATE)
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    write_whole(directory / SERVER_CERT, pem, mode=PUBLIC)
    ends = certificate.not_valid_after_utc
    changes.append(f"made a new server certificate, valid until {ends:%Y-%m-%d} ({reason})")
    return certificate


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One process at a time makes or renews (two servers started at once)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; starting two at once is rare
        yield
        return
    with open(directory / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
