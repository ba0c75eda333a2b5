"""Who must pass a TOTP step before reaching any page, decided cheaply per request.

The answer depends on the user's confirmed devices and on whether any of their
workspaces requires two-factor. Both change rarely, and every page load asks, so the
answer is kept in the shared cache (Redis) for a few minutes and dropped whenever one of
its inputs changes here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from inbox.models import Membership, Workspace

CACHE_SECONDS = 300


@dataclass(frozen=True)
class Requirement:
    has_device: bool
    must_enroll: bool


def _key(user) -> str:
    # date_joined keeps a recycled primary key (a fresh test database) from reading an
    # answer cached for another user.
    return f"members:2fa:{user.pk}:{user.date_joined.timestamp():.6f}"


def requirement(user) -> Requirement:
    """Whether `user` has a confirmed device, and whether they must set one up."""
    cached = cache.get(_key(user))
    if cached is not None:
        return Requirement(*cached)
    has_device = user_has_device(user, confirmed=True)
    must_enroll = (
        not has_device
        and Membership.objects.filter(
            user=user, is_active=True, workspace__require_two_factor=True
        ).exists()
    )
    cache.set(_key(user), (has_device, must_enroll), CACHE_SECONDS)
    return Requirement(has_device, must_enroll)


def forget(*users) -> None:
    """Drop cached answers after a device, membership or workspace setting changed."""
    cache.delete_many([_key(user) for user in users])


def forget_workspace(workspace: Workspace) -> None:
    users = [m.user for m in Membership.objects.filter(workspace=workspace).select_related("user")]
    forget(*users)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being set up (one per user), created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm(user, device: TOTPDevice, code: str) -> bool:
    """Confirm `device` if `code` is current; only then does two-factor apply to `user`."""
    if device.user_id != user.pk or not device.verify_token(code.strip().replace(" ", "")):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    forget(user)
    return True


def disable(user) -> None:
    """Remove every TOTP device; a workspace that requires 2FA will ask for a new one."""
    TOTPDevice.objects.filter(user=user).delete()
    forget(user)


def members_without_device(workspace: Workspace) -> list:
    """Active members who have not set up two-factor (shown before enforcing it)."""
    with_device = TOTPDevice.objects.filter(confirmed=True).values("user_id")
    return [
        m.user
        for m in Membership.objects.filter(workspace=workspace, is_active=True)
        .exclude(user_id__in=with_device)
        .select_related("user")
        .order_by("user__username")
    ]
