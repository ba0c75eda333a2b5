"""The sandbox's provider API as its own lean Django ASGI handler, routed by path.

The sandbox plays another company's servers, so its API needs none of the inbox's
middleware (sessions, auth, CSRF, 2FA, axes, CSP, htmx, messages): Twilio's API answers
Basic auth and JSON, and sends no cookies or security headers. Running it through the
full stack cost more CPU per send than the inbox spends delivering the message, on the
same cores. This handler resolves the same URLs with the same views (auth, bodies and
errors unchanged) with an empty middleware chain; config/asgi.py sends every request under
`PATH_PREFIX` here. Served over WSGI (Django's test live_server), the views still run
behind the full stack, which changes nothing they answer.
"""

from __future__ import annotations

from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.exception import convert_exception_to_response

PATH_PREFIX = "/sandbox/twilio/"


class ProviderApiHandler(ASGIHandler):
    """Django's ASGI handler with no middleware (the URLconf and views are the app's)."""

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        get_response = self._get_response_async if is_async else self._get_response
        self._middleware_chain = convert_exception_to_response(get_response)


def with_provider_api(app):
    """`app`, except that requests for the sandbox's provider API skip the middleware."""
    provider_api = ProviderApiHandler()

    async def application(scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(PATH_PREFIX):
            return await provider_api(scope, receive, send)
        return await app(scope, receive, send)

    return application
