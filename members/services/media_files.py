"""Stored media belonging to messages that are about to be deleted."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.core.files.storage import default_storage

log = logging.getLogger(__name__)


def stored_paths(contents: Iterable) -> list[str]:
    """Paths our storage holds for these message contents (media and card media)."""
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
