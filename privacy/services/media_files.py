"""Stored media belonging to messages that are about to be deleted."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage

from inbox import media_links

log = logging.getLogger(__name__)


def stored_paths(contents: Iterable, workspace_id: int | None = None) -> list[str]:
    """Paths our storage holds for these message contents (media and card media): inbound
    copies by `stored_path`, and, given the workspace, an agent's uploads by their URL."""
    contents = list(contents)
    paths: list[str] = []

    def visit(node) -> None:
        if isinstance(node, dict):
            path = node.get("stored_path")
            if isinstance(path, str) and path:
                paths.append(path)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for content in contents:
        visit(content)
    if workspace_id is not None:
        paths += [p for p in media_links.referenced_paths(contents, workspace_id) if p not in paths]
    return paths


def delete(paths: Iterable[str]) -> int:
    """Delete files after their rows are gone; a missing file is already erased."""
    deleted = 0
    for path in paths:
        try:
            if default_storage.exists(path):
                default_storage.delete(path)
                deleted += 1
        except OSError:
            log.exception("could not delete media file %s", path)
    return deleted
