"""axe-core on every main page, with the demo data loaded: no serious or critical violations.

axe-core comes from the npm registry (package.json devDependency, served nowhere): the
test reads node_modules/axe-core/axe.min.js and injects it as an inline script. The site's
CSP allows scripts from 'self' only, so the browser context bypasses CSP for the test;
the pages themselves are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from demo.workspace import seed_demo
from inbox.models import Conversation, Message
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
VIEWPORT = {"width": 1280, "height": 800}

SETTINGS_PAGES = ("members", "channels", "rcs/brands", "teams", "hours", "webhooks", "audit")


def _seed() -> int:
    """The demo workspace; returns a conversation with agent replies, chips and a card."""
    seed_demo()
    card = Message.objects.filter(content__type="card").select_related("conversation").first()
    return card.conversation_id if card else Conversation.objects.first().pk


def run_axe(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make install` (npm install) first")
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"]});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))
          }));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(url: str, violations: list[dict]) -> str:
    lines = [f"{url}: {len(violations)} serious/critical axe violation(s)"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:8]:
            summary = " / ".join(s.strip() for s in (node["summary"] or "").splitlines()[1:3])
            lines.append(f"    {node['target']}  {summary}")
    return "\n".join(lines)


@pytest.fixture
def demo(asgi_server, live_settings):
    return off_loop(_seed)


@pytest.fixture
def admin_page(browser, live_settings, demo):
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    base = live_settings.PUBLIC_BASE_URL
    sign_in(
        page,
        base + "/accounts/login/",
        "admin",
        lands=base + "/w/demo/",
        password="admin-demo-pass",
    )
    yield page
    context.close()


def check(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = run_axe(page)
    assert not violations, describe(url, violations)


def test_login_page(browser, live_settings, asgi_server):
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        check(context.new_page(), live_settings.PUBLIC_BASE_URL + "/accounts/login/")
    finally:
        context.close()


def test_inbox_with_an_open_thread(admin_page, live_settings, demo):
    url = f"{live_settings.PUBLIC_BASE_URL}/w/demo/c/{demo}/"
    check(admin_page, url)
    assert admin_page.get_by_test_id("conversation-row").count() > 5


def test_dashboards(admin_page, live_settings):
    check(admin_page, live_settings.PUBLIC_BASE_URL + "/w/demo/dashboards/")


@pytest.mark.parametrize("section", SETTINGS_PAGES)
def test_settings_page(admin_page, live_settings, section):
    check(admin_page, f"{live_settings.PUBLIC_BASE_URL}/w/demo/settings/{section}/")


def test_phone_simulator(browser, live_settings, demo):
    context = browser.new_context(viewport={"width": 420, "height": 860}, bypass_csp=True)
    try:
        page = context.new_page()
        phone_url = live_settings.PUBLIC_BASE_URL + "/sandbox/phone/"
        sign_in(page, phone_url, "agent", lands=phone_url, password="agent-demo-pass")
        check(page, phone_url)
    finally:
        context.close()


def test_describe_is_readable():
    """The failure message names the rule, the impact and the element."""
    text = describe(
        "/x/",
        [
            {
                "id": "label",
                "impact": "critical",
                "help": "Form elements must have labels",
                "nodes": [{"target": "#q", "summary": "Fix any of the following:\n  no label"}],
            }
        ],
    )
    assert "[critical] label: Form elements must have labels" in text
    assert "#q  no label" in text
