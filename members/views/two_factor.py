"""The user's own two-factor: set up (QR code + manual key), verify at login, disable."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from members.forms import TokenCodeForm
from members.services import two_factor


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    need = two_factor.requirement(user)
    if need.has_device:
        return render(
            request,
            "registration/two_factor_enabled.html",
            {"form": TokenCodeForm(), "next": _next(request)},
        )
    device = two_factor.pending_device(user)
    form = TokenCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and two_factor.confirm(user, device, form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request))
        if not form.errors:
            form.add_error(
                "code", _("That code is not current. Check your phone's clock and retry.")
            )
        status = 422
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": _qr_svg(device.config_url),
        "otpauth_uri": device.config_url,
        "secret": b32encode(device.bin_key).decode(),
        "required": need.must_enroll,
    }
    return render(request, "registration/two_factor_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second login step for a user with a device."""
    if request.user.is_verified():
        return redirect(_next(request))
    form = TokenCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        device = match_token(request.user, form.cleaned_data["code"]) if form.is_valid() else None
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        if not form.errors:
            form.add_error("code", _("That code is not right or has expired. Try the current one."))
        status = 422
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Needs a current code, so a borrowed unlocked laptop cannot switch 2FA off."""
    form = TokenCodeForm(request.POST)
    if form.is_valid() and match_token(request.user, form.cleaned_data["code"]) is not None:
        two_factor.disable(request.user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("members:two_factor_setup")
    if not form.errors:
        form.add_error("code", _("That code is not right or has expired. Try the current one."))
    return render(
        request,
        "registration/two_factor_enabled.html",
        {"form": form, "next": _next(request)},
        status=422,
    )
