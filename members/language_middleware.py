"""Every request is answered in its reader's language (members/services/languages.py).

Replaces Django's LocaleMiddleware, which knows a cookie and Accept-Language but not a
person's saved choice nor their workspace's default.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from members.services.languages import request_language


def activate_member_language(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # Not deactivated afterwards (as Django's LocaleMiddleware): a streamed response,
        # the CSV export, renders its rows after this returns; every request through
        # here activates its own language first anyway.
        response = get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware
