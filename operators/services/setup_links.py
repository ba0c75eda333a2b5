"""The one-time link that lets a new admin set their password, then sign in."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from operators.models import SetupLink, hash_secret


class SetupLinkError(ValueError):
    """The link is unknown, used, replaced or expired."""


def setup_url(raw: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("operators:set_password", args=[raw])


def issue_setup_link(user) -> str:
    """A new link for `user`; any older unused link stops working. Returns the absolute URL.

    The raw token exists only in the returned URL (stored as a SHA-256 hash).
    """
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        SetupLink.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        SetupLink.objects.create(
            user=user,
            token_hash=hash_secret(raw),
            expires_at=now + timedelta(hours=settings.SETUP_LINK_VALID_HOURS),
        )
    return setup_url(raw)


def find_usable(raw: str) -> SetupLink | None:
    link = SetupLink.objects.select_related("user").filter(token_hash=hash_secret(raw)).first()
    return link if link is not None and link.is_usable else None


def set_password(raw: str, password: str):
    """Set the user's password through the link, which then never works again.

    Raises SetupLinkError when the link is not usable, ValidationError when the password
    fails the site's validators (the link stays usable for another try).
    """
    with transaction.atomic():
        link = (
            SetupLink.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(token_hash=hash_secret(raw))
            .first()
        )
        if link is None or not link.is_usable:
            raise SetupLinkError(_("This link is invalid, already used or expired."))
        user = link.user
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return user
