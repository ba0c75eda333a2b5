"""Who must pass a TOTP step before reaching any page, decided cheaply per request.

The answer depends on the user's confirmed devices and on whether any of their
workspaces requires two-factor. Both change rarely, and every page load asks, so the
answer is kept in the shared cache (Redis) for a few minutes and dropped whenever one of
its inputs changes here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.models import Device

from inbox.models import Membership, Workspace
from inbox.services.audit import record
from members.totp_device import TOTPDevice

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


VERIFY = "verify"
SETUP = "setup"


def pending_step(user, *, verified: bool) -> str | None:
    """The step still owed before `user` may reach anything: VERIFY (enter a code), SETUP
    (a workspace requires a device they lack), or None. The HTTP middleware and the
    websocket gate (members/websocket_gate.py) both ask here, so the two surfaces cannot
    disagree."""
    if verified:
        return None
    need = requirement(user)
    if need.has_device:
        return VERIFY
    if need.must_enroll:
        return SETUP
    return None


def verified_device(user, session) -> Device | None:
    """The confirmed device of `user` that this session passed the code step with.

    Mirrors django_otp's OTPMiddleware for surfaces that do not run Django middleware
    (websockets): the session only stores the device's id, so a device deleted since, or
    one of another user, does not count."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return None
    device = Device.from_persistent_id(persistent_id)
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def session_step(user, session) -> str | None:
    """pending_step for a raw session (the websocket handshake's)."""
    return pending_step(user, verified=verified_device(user, session) is not None)


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
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        _audit_own_change(user, enabled=True)
    forget(user)
    return True


def disable(user) -> None:
    """Remove every TOTP device; a workspace that requires 2FA will ask for a new one."""
    with transaction.atomic():
        had_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        TOTPDevice.objects.filter(user=user).delete()
        if had_device:
            _audit_own_change(user, enabled=False)
    forget(user)


def _audit_own_change(user, *, enabled: bool) -> None:
    """Every workspace the user belongs to sees their account's 2FA change: an admin
    deciding whether to require 2FA, or reviewing a takeover, looks at their own log."""
    action = "two_factor.enabled" if enabled else "two_factor.disabled"
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("workspace")
    for membership in memberships:
        record(
            membership.workspace,
            user,
            action,
            user,
            before={"two_factor": not enabled},
            after={"two_factor": enabled},
            target_label=user.username,
        )


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
