"""The local certificate authority: made once, kept in the data directory (its key
readable by its owner only), and limited by name constraints to home-network names
(lan/names.py)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from crampcoach.lan.names import NameScope

CA_LIFETIME = timedelta(days=10 * 365)
CA_RENEW_BEFORE = timedelta(days=60)  # a CA that ends sooner is made anew (and trusted anew)
BACKDATE = timedelta(hours=1)  # tolerate a phone whose clock is a little behind
ORGANISATION = "crampcoach"


def new_key() -> ec.EllipticCurvePrivateKey:
    """P-256: fast to make, accepted by every phone and browser."""
    return ec.generate_private_key(ec.SECP256R1())


def random_serial() -> int:
    return secrets.randbits(159) | 1  # positive, at most 20 bytes, never zero


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_key(data: bytes) -> ec.EllipticCurvePrivateKey | None:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        return None
    return key if isinstance(key, ec.EllipticCurvePrivateKey) else None


def load_certificate(data: bytes) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        return None


def same_key(certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> bool:
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return certificate.public_key().public_bytes(*spki) == key.public_key().public_bytes(*spki)


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def name(self) -> str:
        common = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(common[0].value) if common else ORGANISATION

    @property
    def scope(self) -> NameScope:
        """What its name constraints permit (nothing, if it carries none)."""
        try:
            constraints = self.certificate.extensions.get_extension_for_class(
                x509.NameConstraints
            ).value
        except x509.ExtensionNotFound:
            return NameScope((), ())
        permitted = constraints.permitted_subtrees or []
        domains = tuple(str(g.value) for g in permitted if isinstance(g, x509.DNSName))
        networks = tuple(g.value for g in permitted if isinstance(g, x509.IPAddress))
        return NameScope(domains, networks)  # type: ignore[arg-type]

    def usable(self, now: datetime) -> bool:
        return self.certificate.not_valid_after_utc - now > CA_RENEW_BEFORE

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    def fingerprint(self) -> str:
        """SHA-256 of the certificate, as phones show it: pairs of hex digits."""
        return self.certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def make_authority(hostname: str, now: datetime) -> Authority:
    key = new_key()
    scope = NameScope.for_host(hostname)
    label = hostname.strip() or "this computer"
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"crampcoach local CA ({label})"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        ]
    )
    permitted: list[x509.GeneralName] = [x509.DNSName(d) for d in scope.domains]
    permitted += [x509.IPAddress(n) for n in scope.networks]
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(random_serial())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(certificate, key)
