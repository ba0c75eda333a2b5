"""Which language a person's pages are in: their choice, their browser's, their workspace's."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import trans_real

from inbox.models import Membership
from members.profile import Profile

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)
# A person's own choice and workspace language, cached from sign-in so a page load costs
# no query; a workspace's new default reaches its members within this time.
CACHE_SECONDS = 600


def supported_language(code: str | None) -> str | None:
    """ "es-MX" -> "es"; None for a language the product does not speak."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def user_language_set(user, language: str) -> None:
    """Remember a person's choice ("" forgets it: back to browser, then workspace)."""
    if language and language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}")
    Profile.objects.update_or_create(user=user, defaults={"language": language})
    forget_member_languages(user)


def chosen_language(user) -> str:
    """The person's own choice, or "" (read on each request: one indexed row)."""
    profile = Profile.objects.filter(user=user).only("language").first()
    return profile.language if profile else ""


def browser_language(request: HttpRequest) -> str | None:
    """The first language in Accept-Language the product speaks, else None.

    Django's get_language_from_request falls back to LANGUAGE_CODE itself, which would
    hide the workspace's default; this reads the header alone.
    """
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        found = supported_language(code)
        if found:
            return found
    return None


def workspace_language(user) -> str | None:
    """The language of the (first) workspace the person is an active member of."""
    language = (
        Membership.objects.filter(user=user, is_active=True)
        .order_by("pk")
        .values_list("workspace__language", flat=True)
        .first()
    )
    return supported_language(language)


def _cache_key(user) -> str:
    return f"member-language:{user.pk}"


def forget_member_languages(user) -> None:
    cache.delete(_cache_key(user))


def member_languages(user) -> tuple[str, str]:
    """(own choice, workspace language), "" for none: from the cache, else two queries."""
    found = cache.get(_cache_key(user))
    if found is None:
        found = (chosen_language(user), workspace_language(user) or "")
        cache.set(_cache_key(user), found, CACHE_SECONDS)
    return tuple(found)


def request_language(request: HttpRequest) -> str:
    """Own choice (a signed-in person's profile, else the switch's cookie), then the
    browser's Accept-Language, then the workspace's language, then LANGUAGE_CODE."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    own, workspace = member_languages(user) if signed_in else ("", "")
    if supported_language(own):
        return supported_language(own)
    cookie = supported_language(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
    if cookie and not signed_in:
        return cookie
    return browser_language(request) or supported_language(workspace) or settings.LANGUAGE_CODE
