"""Take the README's screenshots from a running demo (`make run`, which seeds the demo).

    INBOX_DATA_DIR=.data/shots PORT=8765 make run        # in one terminal
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8765

Writes docs/screenshot.png (inbox with an open conversation), docs/screenshot-dashboards.png
and docs/screenshot-settings.png (channels) at 1280x800, logged in as the demo manager
(admin for the settings page). Uses the same Chromium as the browser tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs"
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM = "/usr/bin/chromium"
DEMO_DAYS = 14  # demo.history.script.DAYS (not imported: no Django here)


def log_in(browser, base: str, username: str, password: str) -> Page:
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.goto(base + "/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/w/demo/")
    return page


def inbox(page: Page, base: str, contact: str) -> None:
    """The conversation whose thread shows most: agent replies, a card and a tapped chip."""
    page.get_by_test_id("conversation-row").filter(has_text=contact).first.click()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # let the thread scroll to its end
    page.screenshot(path=DOCS / "screenshot.png")


def dashboards(page: Page, base: str) -> None:
    """The demo's two weeks of history, not the default 30 days (half of them empty)."""
    end = dt.date.today()
    start = end - dt.timedelta(days=DEMO_DAYS)
    page.goto(f"{base}/w/demo/dashboards/?start={start}&end={end}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=DOCS / "screenshot-dashboards.png")


def settings_channels(page: Page, base: str) -> None:
    page.goto(base + "/w/demo/settings/channels/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=DOCS / "screenshot-settings.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--contact", default="Grace Okoye", help="conversation to open")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        manager = log_in(browser, base, "manager", "manager-demo-pass")
        inbox(manager, base, args.contact)
        dashboards(manager, base)
        admin = log_in(browser, base, "admin", "admin-demo-pass")
        settings_channels(admin, base)
        browser.close()


if __name__ == "__main__":
    main()
