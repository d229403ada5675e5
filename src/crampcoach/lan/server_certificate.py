"""The server's certificate: signed by the local CA for exactly the names the server
answers to, short-lived (browsers refuse server certificates valid for more than 398
days), and renewed well before it ends or as soon as the names change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from crampcoach.lan.authority import BACKDATE, ORGANISATION, Authority, new_key, random_serial
from crampcoach.lan.names import address, normal_name

SERVER_LIFETIME = timedelta(days=180)
RENEW_BEFORE = timedelta(days=30)


def issue(
    authority: Authority, names: Sequence[str], now: datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A new key and a certificate for `names` (host names and addresses)."""
    if not names:
        raise ValueError("a server certificate needs at least one name")
    key = new_key()
    alternatives: list[x509.GeneralName] = []
    for name in names:
        ip = address(name)
        alternatives.append(x509.IPAddress(ip) if ip is not None else x509.DNSName(name))
    hosts = [n for n in names if address(n) is None]
    common = (hosts or ["localhost"])[0]
    issuer_key = authority.certificate.extensions.get_extension_for_class(
        x509.SubjectKeyIdentifier
    ).value
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, common[:64]),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
                ]
            )
        )
        .issuer_name(authority.certificate.subject)
        .public_key(key.public_key())
        .serial_number(random_serial())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + SERVER_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alternatives), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_key),
            critical=False,
        )
        .sign(authority.key, hashes.SHA256())
    )
    return certificate, key


def certificate_names(certificate: x509.Certificate) -> frozenset[str]:
    """The names and addresses a certificate is for, normalised as the server compares."""
    try:
        alternatives = certificate.extensions.get_extension_for_class(
            x509.SubjectAlternativeName
        ).value
    except x509.ExtensionNotFound:
        return frozenset()
    names = alternatives.get_values_for_type(x509.DNSName)
    addresses = alternatives.get_values_for_type(x509.IPAddress)
    return frozenset(normal_name(str(n)) for n in (*names, *addresses))


def renewal_reason(
    certificate: x509.Certificate, authority: Authority, names: Sequence[str], now: datetime
) -> str | None:
    """Why `certificate` must be made anew, or None while it serves."""
    try:
        certificate.verify_directly_issued_by(authority.certificate)
    except (ValueError, TypeError, InvalidSignature):
        return "it was not signed by this CA"
    ends = certificate.not_valid_after_utc
    if ends - now < RENEW_BEFORE:
        return f"it ends on {ends:%Y-%m-%d}"
    if certificate.not_valid_before_utc > now:
        return "it is not valid yet (the clock went back)"
    wanted = frozenset(names)
    have = certificate_names(certificate)
    if have != wanted:
        added, removed = sorted(wanted - have), sorted(have - wanted)
        change = [*(f"+{n}" for n in added), *(f"-{n}" for n in removed)]
        return "the names changed (" + ", ".join(change) + ")"
    return None
