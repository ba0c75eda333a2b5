"""The websocket obeys the same two-factor gate as every page (members.websocket_gate).

The socket does not pass Django middleware, so without its own check a user who typed
their password but not their code, or a member of a 2FA-required workspace without a
device, could listen to the workspace's live events. Real ASGI stack, real sessions.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY

from members.services import two_factor
from members.totp_device import TOTPDevice
from members.websocket_gate import TWO_FACTOR_REQUIRED
from tests.realtime.sockets import TIMEOUT, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)


def _device(user, *, confirmed: bool = True) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)
    two_factor.forget(user)
    return device


def _verified_cookie(user, device) -> bytes:
    """A session that passed the code step with `device`, as django_otp.login leaves it."""
    cookie = session_cookie(user)
    key = cookie.decode().split("=", 1)[1]
    session = SessionStore(session_key=key)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={key}".encode()


async def _handshake(cookie: bytes) -> tuple[bool, int | None]:
    communicator = socket(cookie)
    ok, code = await communicator.connect(timeout=TIMEOUT)
    if ok:
        await communicator.send_json_to({"subscribe": {"workspace": "acme"}})
        reply = await communicator.receive_json_from(TIMEOUT)
        await communicator.disconnect(timeout=TIMEOUT)
        assert reply == {"type": "subscribed", "workspace": "acme"}
    return ok, code


async def test_password_only_session_of_a_user_with_a_device_is_refused(agent):
    await database_sync_to_async(_device)(agent)
    cookie = await database_sync_to_async(session_cookie)(agent)
    ok, code = await _handshake(cookie)
    assert not ok
    assert code == TWO_FACTOR_REQUIRED


async def test_session_that_passed_the_code_step_connects(agent):
    device = await database_sync_to_async(_device)(agent)
    cookie = await database_sync_to_async(_verified_cookie)(agent, device)
    ok, _ = await _handshake(cookie)
    assert ok


async def test_a_stored_device_id_of_another_user_does_not_count(agent, manager):
    await database_sync_to_async(_device)(agent)
    someone_elses = await database_sync_to_async(_device)(manager)
    cookie = await database_sync_to_async(_verified_cookie)(agent, someone_elses)
    ok, code = await _handshake(cookie)
    assert not ok and code == TWO_FACTOR_REQUIRED


async def test_required_workspace_refuses_a_member_without_a_device(agent, workspace):
    def require():
        workspace.require_two_factor = True
        workspace.save(update_fields=["require_two_factor"])
        two_factor.forget_workspace(workspace)
        _device(agent, confirmed=False)  # a setup started but never confirmed

    cookie = await database_sync_to_async(session_cookie)(agent)
    ok, _ = await _handshake(cookie)
    assert ok  # nothing required yet
    await database_sync_to_async(require)()
    ok, code = await _handshake(cookie)
    assert not ok and code == TWO_FACTOR_REQUIRED


async def test_no_device_and_no_requirement_connects(agent):
    cookie = await database_sync_to_async(session_cookie)(agent)
    ok, _ = await _handshake(cookie)
    assert ok
