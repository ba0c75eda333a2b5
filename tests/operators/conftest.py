"""Operator fixtures: an installation's staff user (no workspace of their own)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_user(
        username="olga", password="pw-olga", email="olga@example.com", is_staff=True
    )
