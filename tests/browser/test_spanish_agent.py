"""A Spanish-speaking admin in real Chromium (its Accept-Language es-MX, a workspace whose
language is Spanish): sign-in, inbox, a reply, dashboards, a CSV export and settings read in
Spanish, with no English sentence left on them. uvicorn, a Celery worker, PostgreSQL,
Redis and the Twilio sandbox run as separate processes."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings

from channels_sms import sandbox
from tests.i18n.english_words import ENGLISH, english_lines
from tests.support.browser import off_loop

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

CUSTOMER = "+525512340199"
LIVE = 30_000


def _english_words(page) -> list[str]:
    """English words in what a person reads: visible text and the labels screen readers
    and tooltips give (placeholder, title, aria-label, alt)."""
    text = page.evaluate(
        """() => {
            const bits = [document.title, document.body.innerText];
            const labelled = '[placeholder],[title],[aria-label],[alt]';
            for (const el of document.querySelectorAll(labelled)) {
                for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
                    if (el.getAttribute(a)) bits.push(el.getAttribute(a));
                }
            }
            return bits.join('\\n');
        }"""
    )
    return english_lines(text)


def _spanish(workspace):
    workspace.language = "es"
    workspace.timezone = "America/Mexico_City"
    workspace.save(update_fields=["language", "timezone"])


def test_spanish_admin_reads_every_page_in_spanish(
    asgi_server, celery_worker, sms_channel, workspace, admin_user, browser
):
    from playwright.sync_api import expect

    off_loop(_spanish, workspace)
    first = sandbox.simulate_inbound(sms_channel, CUSTOMER, "Hola, ¿dónde está mi pedido?")
    assert first.status_code == 200, first.response_text
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    checked = {}

    page.goto(asgi_server + "/accounts/login/")
    checked["login"] = _english_words(page)
    page.get_by_label("Nombre de usuario").fill("adam")
    page.get_by_label("Contraseña").fill("pw-adam")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/w/acme/")
    expect(page.get_by_test_id("connection-status")).to_have_text("En vivo", timeout=LIVE)
    checked["inbox"] = _english_words(page)

    page.get_by_test_id("conversation-row").get_by_role("link").click()
    page.wait_for_url("**/c/*/")
    box = page.locator("#composer-text")
    box.fill("¡Hola! Tu pedido llega hoy antes de las 18:00.")
    expect(page.get_by_test_id("segment-counter")).to_contain_text("segmento", timeout=LIVE)
    box.press("Enter")
    outbound = page.locator('[data-testid="message"][data-direction="outbound"]')
    expect(outbound).to_have_count(1, timeout=LIVE)
    expect(outbound).to_have_attribute("data-status", "delivered", timeout=LIVE)
    # Resolving leaves a note in the thread, written in the workspace's language.
    page.get_by_test_id("resolve-button").click()
    expect(page.locator("#thread-messages")).to_contain_text("Resuelta por adam.", timeout=LIVE)
    checked["conversation"] = _english_words(page)
    page.screenshot(path=str(settings.DATA_DIR / "browser-spanish-inbox.png"))

    page.goto(asgi_server + "/w/acme/dashboards/")
    expect(page.get_by_test_id("section-volume")).to_be_visible()
    expect(page.get_by_test_id("connection-status")).to_have_text("En vivo", timeout=LIVE)
    checked["dashboards"] = _english_words(page)

    # The CSV export a manager hands on: headers in Spanish, numbers as numbers.
    export = context.request.get(asgi_server + "/w/acme/dashboards/?format=csv&table=volume_daily")
    assert export.ok, export.status
    header = next(csv.reader(io.StringIO(export.text())))
    assert header[:3] == ["fecha", "conversaciones abiertas", "conversaciones resueltas"]
    assert not [c for c in header if set(c.split()) & ENGLISH]

    for path in ("settings/members/", "settings/channels/", "settings/hours/"):
        page.goto(asgi_server + f"/w/acme/{path}")
        checked[path] = _english_words(page)

    # The header's switch: English on request, saved for next time.
    page.get_by_test_id("language-select").select_option("en")
    page.get_by_test_id("language-switch").get_by_role("button").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    left = {where: words for where, words in checked.items() if words}
    assert left == {}, "English left on Spanish pages:\n" + "\n".join(
        f"{where}: {line}" for where, words in left.items() for line in words
    )
