"""Re-encrypt every stored secret under the first key of SECRETS_ENCRYPTION_KEYS.

Run after putting a new key first in the ring; once it reports nothing left under an
old key and nothing unreadable, the old key can be removed. Every column declared as an
`EncryptedTextField`, in any app (channel credentials, outbound webhook signing secrets,
members' TOTP secrets), is found through the app registry, so a new secret column is
rotated without being listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import models

from inbox.crypto import EncryptedTextField, encrypted_under_first_key, reencrypt

BATCH_SIZE = 500


@dataclass
class ColumnRotation:
    """What one rotation pass did to one encrypted column."""

    column: str  # "app_label.Model.field"
    rotated: int = 0
    already_current: int = 0
    # Changed by someone else between our read and our write; their value is newer.
    changed_meanwhile: int = 0
    # Opened by no key of the ring: their key is missing, so keep the old key until fixed.
    unreadable_pks: list = field(default_factory=list)

    @property
    def unreadable(self) -> int:
        return len(self.unreadable_pks)


def encrypted_columns() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) storing a Fernet token, across installed apps."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for column in model._meta.local_concrete_fields:
            if isinstance(column, EncryptedTextField):
                found.append((model, column))
    return found


def rotate_column(
    model: type[models.Model], column: models.Field, *, dry_run: bool = False
) -> ColumnRotation:
    """Re-encrypt one column row by row, each write conditional on the value we read.

    The compare-and-set keeps a secret an admin saved meanwhile (already under the
    current first key) from being overwritten with the older value; no lock is held.
    """
    report = ColumnRotation(column=f"{model._meta.label}.{column.name}")
    rows = model._base_manager.exclude(**{column.attname: ""}).order_by("pk")
    last_pk = None
    while True:
        batch = rows if last_pk is None else rows.filter(pk__gt=last_pk)
        batch = list(batch.values_list("pk", column.attname)[:BATCH_SIZE])
        if not batch:
            return report
        for pk, token in batch:
            if encrypted_under_first_key(token):
                report.already_current += 1
                continue
            try:
                fresh = reencrypt(token)
            except InvalidToken:
                report.unreadable_pks.append(pk)
                continue
            if dry_run:
                report.rotated += 1
                continue
            updated = model._base_manager.filter(pk=pk, **{column.attname: token}).update(
                **{column.attname: fresh}
            )
            if updated:
                report.rotated += 1
            else:
                report.changed_meanwhile += 1
        last_pk = batch[-1][0]


def rotate_encryption_key(*, dry_run: bool = False) -> list[ColumnRotation]:
    """Rotate every encrypted column; idempotent (a second run rotates nothing)."""
    return [rotate_column(model, column, dry_run=dry_run) for model, column in encrypted_columns()]
