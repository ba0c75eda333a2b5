"""Helpers for the Playwright tests: ORM work off Playwright's thread, and signing in."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


def off_loop(fn, *args, **kwargs):
    """Run ORM work on a plain thread: Playwright's sync API keeps an event loop running on
    the test's thread, and Django refuses database calls from a thread with a running loop.

    The thread's own database connection is closed when the work is done: left open, it
    outlives the thread and keeps the test database from being dropped at the end."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_closing, fn, *args, **kwargs).result()


def _closing(fn, *args, **kwargs):
    from django.db import connections

    try:
        return fn(*args, **kwargs)
    finally:
        connections.close_all()


def sign_in(page, url: str, username: str, *, lands: str, password: str | None = None) -> None:
    """Open `url` (the login form, or a page that sends there), sign in as `username`
    (the suite's users have the password "pw-<username>") and wait to land on `lands`."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or f"pw-{username}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lands)
