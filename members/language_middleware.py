"""Every request is answered in its reader's language (members/services/languages.py).

Replaces Django's LocaleMiddleware, which knows a cookie and Accept-Language but not a
person's saved choice nor their workspace's default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

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
        try:
            response = get_response(request)
        finally:
            # The thread is reused (ASGI's sync executor, Celery-free test clients):
            # code that reaches it without this middleware (webhooks, tasks run
            # eagerly, the next test) must not inherit a reader's language.
            translation.deactivate()
        if response.streaming:
            # A streamed response (the CSV export) renders its rows after this returns.
            response.streaming_content = _in_language(response.streaming_content, language)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response

    return middleware


def _in_language(chunks: Iterable, language: str) -> Iterator:
    with translation.override(language):
        yield from chunks
