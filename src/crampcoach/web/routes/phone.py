"""/phone: setting up a phone, on the computer itself (a loopback connection only: the
page carries a pairing code). The same QR code as the terminal's, the steps to trust the
local CA on iPhone and Android, and the CA itself at /ca.crt and /ca.mobileconfig
(public, no login: a certificate is no secret)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from crampcoach.lan.pairing import PAIRING_LIFETIME_S
from crampcoach.lan.site import origin
from crampcoach.web.deps import TemplatesDep
from crampcoach.web.routes.pair import lan_site
from crampcoach.web.security import is_loopback

if TYPE_CHECKING:
    from crampcoach.lan.site import LanSite

router = APIRouter(include_in_schema=False)
CA_FILE = "crampcoach-ca.crt"


def _from_this_computer(request: Request) -> bool:
    """The socket's peer, not the Host header (which any client may write)."""
    return request.client is not None and is_loopback(request.client.host)


@router.get("/phone", response_class=HTMLResponse)
def phone(request: Request, templates: TemplatesDep) -> Response:
    if not _from_this_computer(request):
        raise HTTPException(404, "Not Found")
    site = lan_site(request)
    context: dict[str, object] = {"page": "phone", "site": site}
    if site is not None:
        from crampcoach.lan.qr import svg_qr

        base = origin(site.name, site.port)
        pair_url = site.pair_url()
        context.update(
            pair_url=pair_url,
            pair_qr=Markup(svg_qr(pair_url, "QR code that logs your phone in")),
            ca_url=f"{base}/ca.crt",
            ca_qr=Markup(svg_qr(f"{base}/ca.crt", "QR code of this computer's certificate")),
            profile_url=f"{base}/ca.mobileconfig",
            minutes=PAIRING_LIFETIME_S // 60,
        )
    return templates.TemplateResponse(
        request, "phone.html", context, headers={"Cache-Control": "no-store"}
    )


def _site_or_404(request: Request) -> LanSite:
    site = lan_site(request)
    if site is None:
        raise HTTPException(404, "The certificate is served by `crampcoach serve --lan`.")
    return site


@router.get("/ca.crt")
def ca_certificate(request: Request) -> Response:
    """The CA in DER form: iPhone and Android both offer to install it from here."""
    site = _site_or_404(request)
    disposition = f'attachment; filename="{CA_FILE}"'
    return Response(
        site.ca_der,
        media_type="application/x-x509-ca-cert",
        headers={"Content-Disposition": disposition},
    )


@router.get("/ca.mobileconfig")
def ca_profile(request: Request) -> Response:
    """The CA as an iOS configuration profile."""
    site = _site_or_404(request)
    disposition = 'attachment; filename="crampcoach-ca.mobileconfig"'
    return Response(
        site.mobileconfig(),
        media_type="application/x-apple-aspen-config",
        headers={"Content-Disposition": disposition},
    )
