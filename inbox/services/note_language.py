"""The language a workspace's system notes are written in ("Resolved by Ana." /
"Resuelta por Ana."): the workspace's, since a note is stored once and read by the whole
team. Cached briefly, so writing a note costs no query; a changed workspace language
reaches new notes within a minute."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.functional import Promise

from inbox.models import Workspace

CACHE_SECONDS = 60


def notes_language(workspace_id: int) -> str:
    key = f"workspace-notes-language:{workspace_id}"
    language = cache.get(key)
    if language is None:
        language = (
            Workspace.objects.filter(pk=workspace_id).values_list("language", flat=True).first()
            or settings.LANGUAGE_CODE
        )
        cache.set(key, language, CACHE_SECONDS)
    return language


def stored_text(text: str, workspace_id: int) -> str:
    """Words the product stores once for the whole team (why a message failed or fell
    back, a line of its history) in the workspace's language. The worker that decides
    them has no request language and often not the workspace either (a reason is made
    deep in a send), so they travel as lazy translations and are resolved here, where
    the row is written. Plain text, such as a provider's own error message, is stored as
    it came."""
    if not isinstance(text, Promise):
        return text
    return in_language(text, notes_language(workspace_id))


def in_language(text: str, language: str) -> str:
    """`stored_text` for a caller that looked the language up once for many rows."""
    if not isinstance(text, Promise):
        return text
    with translation.override(language):
        return str(text)
