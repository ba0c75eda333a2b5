"""What django-axes asks of us: whose address a sign-in came from, and the locked-out page."""

from __future__ import annotations

from axes.helpers import get_client_username
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members.services import lockouts

LOCKED_OUT_STATUS = 429


def client_address(request: HttpRequest) -> str | None:
    """The peer address the ASGI server gives us, never a header the client wrote.

    A trusted reverse proxy's X-Forwarded-For is already folded into REMOTE_ADDR by
    uvicorn (scripts/web_server.py: only from TRUSTED_PROXIES). Reading the header here
    too, as django-ipware would if installed, would let anyone pick a fresh address per
    guess.
    """
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The locked-out page, saying when this account may try again."""
    username = get_client_username(request, credentials) or ""
    lock = lockouts.lockout_for(username) if username else None
    return render(
        request,
        "registration/locked_out.html",
        {"locked_until": lock.locked_until if lock else None},
        status=LOCKED_OUT_STATUS,
    )
