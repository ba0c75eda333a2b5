"""A socket the browser refuses to open (a refused port, a policy) throws from the
WebSocket constructor instead of closing; the page must keep trying, not give up."""

from __future__ import annotations

import pytest

from tests.support.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for the page to say it is live

# Every page of the context: the first two WebSocket constructions throw, later ones work.
REFUSE_TWICE = """
(() => {
  const Native = window.WebSocket;
  window.__refused = 0;
  function Refusing(url, protocols) {
    if (window.__refused < 2) {
      window.__refused += 1;
      throw new DOMException("refused by the test", "SecurityError");
    }
    return protocols === undefined ? new Native(url) : new Native(url, protocols);
  }
  Refusing.prototype = Native.prototype;
  ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach((k) => { Refusing[k] = Native[k]; });
  window.WebSocket = Refusing;
})();
"""


@pytest.mark.parametrize(
    "page_path", ["/w/acme/", "/w/acme/dashboards/"], ids=["inbox", "dashboards"]
)
def test_a_refused_socket_is_tried_again_until_live(asgi_server, manager, browser, page_path):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(REFUSE_TWICE)
    page = context.new_page()
    sign_in(page, f"{asgi_server}/accounts/login/?next={page_path}", "mona", lands=f"**{page_path}")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    assert page.evaluate("window.__refused") == 2  # both refusals happened on this page
    context.close()
