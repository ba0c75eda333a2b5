"""The language a workspace's system notes are written in ("Resolved by Ana." /
"Resuelta por Ana."): the workspace's, since a note is stored once and read by the whole
team. Cached briefly, so writing a note costs no query; a changed workspace language
reaches new notes within a minute."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

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
