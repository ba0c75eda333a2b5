"""Keyboard workflow in a real browser against uvicorn, PostgreSQL and Redis: the "?"
help, next/previous conversation, assign to me, resolve, focus the composer with a "/"
canned response, browser notifications for a customer message assigned to me and for an
@mention (decided from the events alone), the mention badge, and the "@" teammate picker."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from inbox.adapters import InboundMessage
from inbox.models import CannedResponse, Conversation, Direction, Mention, Message
from inbox.services import ingest
from inbox.services.notes import add_note
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIVE = 30_000  # ms: upper bound for an update to show; the assertion is that it shows
_ids = itertools.count(1)

# Replaces the browser's Notification with a recorder that reports permission granted.
RECORD_NOTIFICATIONS = """
window.__notifications = [];
window.Notification = function (title, options) {
  window.__notifications.push({ title: title, body: (options || {}).body });
  document.documentElement.dataset.notified = String(window.__notifications.length);
};
window.Notification.permission = "granted";
window.Notification.requestPermission = function () { return Promise.resolve("granted"); };
"""


def customer_writes(channel, number: str, text: str):
    (message,) = ingest(
        channel,
        [
            InboundMessage(
                provider_message_id=f"kb-{next(_ids)}-{number}",
                sender=number,
                recipient=channel.config["from_number"],
                content={"type": "text", "text": text},
                text=text,
                received_at=timezone.now(),
            )
        ],
    )
    return message.conversation


def test_shortcuts_help_navigation_assign_resolve_and_canned(
    asgi_server, sms_channel, agent, manager, workspace, browser
):
    from playwright.sync_api import expect

    def setup():
        older = customer_writes(sms_channel, "+14155550131", "First customer")
        newer = customer_writes(sms_channel, "+14155550132", "Second customer")
        contact = newer.contact
        contact.name = "Dana Scully"
        contact.save()
        CannedResponse.objects.create(
            workspace=workspace,
            shortcut="thanks",
            title="Thanks",
            body="Thanks {{contact.first_name}}!",
        )
        return older, newer

    older, newer = off_loop(setup)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.add_init_script(RECORD_NOTIFICATIONS)
    sign_in(page, asgi_server + "/", "alice", lands=asgi_server + "/w/acme/")
    page.goto(f"{asgi_server}/w/acme/c/{newer.pk}/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)

    # "?" lists the shortcuts in a dialog; Esc closes it.
    page.keyboard.press("?")
    help_dialog = page.get_by_test_id("shortcuts-help")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Assign to me")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()

    # j / k: next and previous conversation in the list.
    page.keyboard.press("j")
    page.wait_for_url(f"**/c/{older.pk}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/c/{newer.pk}/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)

    # a: assign to me; e: resolve. Both land in the thread head and the database.
    head = page.get_by_test_id("thread-head")
    page.keyboard.press("a")
    expect(head).to_have_attribute("data-assignee", str(agent.pk), timeout=LIVE)
    page.keyboard.press("e")
    expect(head).to_have_attribute("data-status", "resolved", timeout=LIVE)
    stored = off_loop(lambda: Conversation.objects.get(pk=newer.pk))
    assert stored.assignee_id == agent.pk and stored.status == "resolved"
    # The system notes arrive in the thread live.
    system = page.locator('[data-testid="message"][data-kind="system"]')
    expect(system).to_have_count(2, timeout=LIVE)
    expect(system.last).to_contain_text("Resolved by alice")

    # The status picker: "pending" applies at once; "snoozed" first asks until when.
    page.get_by_test_id("status-select").select_option("pending")
    expect(head).to_have_attribute("data-status", "pending", timeout=LIVE)
    expect(page.get_by_test_id("snooze-fields")).to_be_hidden()
    page.get_by_test_id("status-select").select_option("snoozed")
    expect(page.get_by_test_id("snooze-fields")).to_be_visible()
    expect(head).to_have_attribute("data-status", "pending")
    page.get_by_test_id("snooze-preset").select_option("1h")
    expect(head).to_have_attribute("data-status", "snoozed", timeout=LIVE)
    expect(page.get_by_test_id("status-badge")).to_contain_text("until")

    # r: focus the reply box; "/" opens canned responses, Enter inserts (does not send).
    page.keyboard.press("r")
    box = page.locator("#composer-text")
    expect(box).to_be_focused()
    box.press_sequentially("/than")
    item = page.get_by_test_id("canned-item")
    expect(item).to_have_count(1, timeout=LIVE)
    box.press("Enter")
    expect(box).to_have_value("Thanks Dana!")
    expect(page.get_by_test_id("canned-popup")).to_be_hidden()
    assert not off_loop(Message.objects.filter(direction=Direction.OUTBOUND).exists)

    # A customer message in a conversation assigned to me: a browser notification, decided
    # from the event alone (it names the assignee), with no request for it.
    page.keyboard.press("Escape")
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/notification/" in r.url else None)
    # First a message in a conversation that is nobody's: events arrive in order, so the
    # first notification being the assigned one proves this one raised none.
    off_loop(customer_writes, sms_channel, "+14155550133", "Anyone?")
    off_loop(lambda: Conversation.objects.filter(pk=older.pk).update(assignee=agent))
    off_loop(customer_writes, sms_channel, "+14155550131", "Are you there?")
    expect(page.locator("html")).to_have_attribute("data-notified", "1", timeout=LIVE)
    note = page.evaluate("window.__notifications[0]")
    assert note["title"] == "New message from +14155550131"
    assert note["body"] == "In a conversation assigned to you"

    # A teammate @mentions me in another conversation: notified, and the badge counts it.
    off_loop(lambda: add_note(older, "@alice can you call them?", author=manager))
    expect(page.locator("html")).to_have_attribute("data-notified", "2", timeout=LIVE)
    note = page.evaluate("window.__notifications[1]")
    assert note["title"] == "mona mentioned you"
    assert note["body"] == "In the conversation with +14155550131"
    badge = page.get_by_test_id("mention-badge")
    expect(badge).to_have_text("@1")
    expect(badge).to_have_attribute("aria-label", "1 unseen mention")
    assert asked == []

    # n: a private note; "@" offers the workspace's members, Enter inserts the name.
    page.keyboard.press("n")
    expect(box).to_be_focused()
    box.press("End")
    box.press_sequentially(" @mo")
    mention = page.get_by_test_id("mention-item")
    expect(mention).to_have_count(1, timeout=LIVE)
    expect(mention).to_contain_text("@mona")
    box.press("Enter")
    expect(box).to_have_value("Thanks Dana! @mona ")
    expect(page.get_by_test_id("canned-popup")).to_be_hidden()
    assert not off_loop(
        Message.objects.filter(direction=Direction.INTERNAL, author_user=agent).exists
    )

    # Opening the conversation I was mentioned in: the mention is seen, the badge goes.
    page.goto(f"{asgi_server}/w/acme/c/{older.pk}/")
    expect(page.get_by_test_id("connection-status")).to_have_text("Live", timeout=LIVE)
    expect(page.get_by_test_id("mention-badge")).to_be_hidden()
    assert off_loop(lambda: Mention.objects.get(user=agent).seen_at is not None)
