"""Putting a service's "field: reason" errors on the form field they name."""

from __future__ import annotations

from django import forms


def add_service_errors(form: forms.Form, errors: list[str], aliases: dict | None = None) -> None:
    aliases = aliases or {}
    for error in errors:
        field, sep, reason = error.partition(":")
        field = aliases.get(field.strip(), field.strip())
        if sep and field in form.fields:
            form.add_error(field, reason.strip()[:1].upper() + reason.strip()[1:])
        else:
            form.add_error(None, error)
