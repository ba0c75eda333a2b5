"""Administration fixtures: signed-in clients per role, a contact with messages, TOTP codes."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP

from inbox.adapters import register
from members.services import two_factor
from members.totp_device import TOTPDevice
from tests.web.fakes import PageAdapter, inbound, make_channel


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    return client_for(admin_user)


@pytest.fixture
def channel(workspace):
    register(PageAdapter())
    return make_channel(workspace)


@pytest.fixture
def customer_message(channel):
    """One inbound message from +15551230001: a contact, identity, conversation."""
    return inbound(channel, "+15551230001", "My address is 1 Secret Lane")


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code an authenticator app would show now (django_otp's own TOTP)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    two_factor.forget(user)  # as the setup page does when it confirms a device
    return device


@pytest.fixture
def no_otp_throttle(settings):
    """django-otp delays the attempt after a wrong code; these tests retry at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong_code(device: TOTPDevice) -> str:
    """A well-formed code the device will not accept now (outside its tolerance window)."""
    valid = {totp_code(device, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(
        c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in valid
    )


def reaches_inbox(client) -> bool:
    """The user gets past every gate to their workspace ('/' sends them on to it)."""
    response = client.get("/")
    return response.status_code == 302 and response["Location"] == "/w/acme/"
