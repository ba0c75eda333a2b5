"""Errors the API answers with {"detail": ..., "errors": ["field: reason", ...]}."""

from __future__ import annotations


class InvalidRequest(Exception):
    """A parameter the schema accepted but the request still cannot use."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors
