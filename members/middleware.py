"""Two-factor enforcement: one gate in front of every page, so no view can forget it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from members.services import two_factor

# Reachable mid-login: the 2FA pages themselves, signing out, assets, and surfaces that
# do not use the session (token API, the sandbox providers' APIs). The phone simulator
# (/sandbox/phone/) shows a workspace's threads, so it waits for the second factor too.
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/static/",
    # The JavaScript strings' catalog and the language switch: harmless mid-login.
    "/jsi18n/",
    "/accounts/language/",
    "/api/",
    "/sandbox/twilio/",
    "/sandbox/rbm/",
)


class TwoFactorMiddleware:
    """Sends a user with a TOTP device to the code step until this session passed it,
    and a member of a workspace that requires two-factor to the setup page until they
    have a device. Must follow django_otp's OTPMiddleware and django_htmx's
    HtmxMiddleware (it reads request.htmx)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            target = self._detour(request, user)
            if target:
                return _redirect(request, target)
        return self.get_response(request)

    @staticmethod
    def _detour(request: HttpRequest, user) -> str | None:
        step = two_factor.pending_step(user, verified=user.is_verified())
        if step is None:
            return None
        name = {
            two_factor.VERIFY: "members:two_factor_verify",
            two_factor.SETUP: "members:two_factor_setup",
        }[step]
        return f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"


def _redirect(request: HttpRequest, target: str) -> HttpResponse:
    if request.htmx:
        # htmx would follow a 302 and paste the 2FA page into a fragment's slot.
        return HttpResponseClientRedirect(target, status=204)
    return HttpResponseRedirect(target)
