"""Login throttling (django-axes) for every sign-in that arrives over HTTP."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' lockout check, skipped when there is no request.

    Guessing happens over HTTP, where Django's login view always passes the request.
    Callers without one (the test client's login(), a shell, a management command) have
    no address to throttle, and axes would refuse them outright instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
