"""The composer's live preview: what the customer will receive, and why a send cannot go.

SMS channels are real sandbox channels (the real adapter's segment counter and limits);
the RCS-with-fallback case looks capability up over HTTP in the RBM sandbox.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from channels_rcs.sandbox import accounts as rcs_accounts
from channels_rcs.sandbox import store as rcs_store
from channels_sms import sandbox as sms_sandbox
from inbox.models import Channel, ContactIdentity, Direction, Message
from inbox.services import create_channel
from inbox.services.consent import record_consent
from inbox.services.preview import build_content, compose_preview

from .fakes import inbound, make_channel

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OUR_NUMBER = "+14155550100"
CUSTOMER = "+14155550124"
RCS_CAPABLE = "+14155550146"  # even last digit: the RBM sandbox says RCS-capable
NOT_RCS_CAPABLE = "+14155550147"  # odd last digit: no RCS
GSM_161 = "a" * 161


class _Collect(HTMLParser):
    """Elements carrying data-testid, with their attributes and text (stdlib only)."""

    VOID = {"input", "br", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self._open: list[dict | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        entry = {"tag": tag, "attrs": attrs, "text": ""} if "data-testid" in attrs else None
        if entry:
            self.found.append(entry)
        if tag not in self.VOID:
            self._open.append(entry)

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for entry in self._open:
            if entry is not None:
                entry["text"] += data


def find(html: str, testid: str) -> list[dict]:
    parser = _Collect()
    parser.feed(html)
    return [e for e in parser.found if e["attrs"]["data-testid"] == testid]


def one(html: str, testid: str) -> dict:
    (element,) = find(html, testid)
    return element


def text_of(html: str, testid: str) -> str:
    return " ".join(one(html, testid)["text"].split())


@pytest.fixture
def sms_channel(workspace):
    channel = create_channel(
        workspace,
        kind="sms",
        name="Support SMS",
        config=sms_sandbox.channel_config(OUR_NUMBER, max_segments=2),
    )
    yield channel
    sms_sandbox.reset(channel.config["account_sid"])


@pytest.fixture
def sms_conversation(sms_channel):
    return inbound(sms_channel, CUSTOMER, "Hello, is my order on its way?").conversation


def preview_post(client, conversation, text: str, **extra):
    data = {"text": text, **extra}
    return client.post(f"/w/acme/c/{conversation.pk}/preview/", data, **HTMX)


def outbound(conversation):
    return Message.objects.filter(conversation=conversation, direction=Direction.OUTBOUND)


# SMS: segments, encoding and the characters that cost the most ------------------------


def test_sms_preview_counts_segments_and_names_the_ucs2_culprit(agent_client, sms_conversation):
    response = preview_post(agent_client, sms_conversation, GSM_161)
    assert response.status_code == 200
    counter = one(response.text, "segment-counter")
    assert text_of(response.text, "segment-counter") == "2 segments · GSM-7 · 161 characters"
    assert counter["attrs"]["data-segments"] == "2"
    assert counter["attrs"]["data-encoding"] == "GSM-7"
    assert "disabled" not in one(response.text, "send-button")["attrs"]

    response = preview_post(agent_client, sms_conversation, "Ça va? Merci beaucoup, ça arrive")
    counter = one(response.text, "segment-counter")
    assert counter["attrs"]["data-encoding"] == "UCS-2"
    assert counter["attrs"]["data-segments"] == "1"
    # Capital Ç is in the GSM-7 table; lowercase ç is what forces UCS-2.
    assert text_of(response.text, "segment-counter") == "1 segment · UCS-2 because of ‘ç’"
    assert "Sends as SMS via Support SMS" in text_of(response.text, "composer-route")


def test_preview_service_exposes_count_encoding_and_culprits(sms_conversation):
    preview = compose_preview(sms_conversation, build_content("Olá, 10€ – ok"))
    assert preview.channel == sms_conversation.channel
    assert preview.encoding == "UCS-2"
    assert preview.segments == 1
    assert preview.ucs2_chars == ("á", "–")
    assert preview.cost_note == "1 segment · UCS-2 because of ‘á’, ‘–’"
    assert preview.blocked is None and preview.errors == [] and preview.can_send


def test_quick_reply_chips_show_the_sms_rendering(agent_client, sms_conversation):
    response = preview_post(
        agent_client, sms_conversation, "Shall we send it today?", chip=["Yes", "No", ""]
    )
    rendering = text_of(response.text, "text-rendering")
    assert "Shall we send it today?" in rendering
    assert "Reply 1 for Yes, 2 for No" in rendering
    # The numbered options are part of the body, so they count towards the segments.
    assert one(response.text, "segment-counter")["attrs"]["data-segments"] == "1"


def test_plain_text_is_not_repeated_as_a_rendering(agent_client, sms_conversation):
    response = preview_post(agent_client, sms_conversation, "Shipped today")
    assert find(response.text, "text-rendering") == []


def test_over_the_segment_cap_is_shown_and_the_send_is_refused(agent_client, sms_conversation):
    long_text = "x" * 400  # 3 GSM-7 segments; this channel allows 2
    response = preview_post(agent_client, sms_conversation, long_text)
    assert text_of(response.text, "segment-counter").startswith("3 segments · GSM-7")
    assert "content.text: 3 > 2 SMS segments" in text_of(response.text, "composer-errors")
    assert "disabled" in one(response.text, "send-button")["attrs"]

    reply = agent_client.post(
        f"/w/acme/c/{sms_conversation.pk}/reply/", {"text": long_text}, **HTMX
    )
    assert reply.status_code == 422
    assert "3 > 2 SMS segments" in text_of(reply.text, "composer-errors")
    # The refused draft stays in the box, with its live preview.
    assert long_text in reply.text
    assert text_of(reply.text, "segment-counter").startswith("3 segments")
    assert not outbound(sms_conversation).exists()


def test_empty_draft_is_not_an_error_yet(agent_client, sms_conversation):
    response = preview_post(agent_client, sms_conversation, "")
    assert find(response.text, "composer-errors") == []
    assert text_of(response.text, "segment-counter") == "0 segments · GSM-7 · 0 characters"
    assert "disabled" not in one(response.text, "send-button")["attrs"]


# Blocked: reasons no content can fix ------------------------------------------------


def test_opted_out_contact_is_blocked_with_the_reason_and_nothing_is_queued(
    agent_client, sms_channel, sms_conversation
):
    record_consent(sms_channel, CUSTOMER, opted_out=True, source="keyword", keyword="STOP")
    response = preview_post(agent_client, sms_conversation, "Still there?")
    blocked = text_of(response.text, "composer-blocked")
    assert "opted out of Support SMS (texted STOP" in blocked
    assert "must text START" in blocked
    button = one(response.text, "send-button")["attrs"]
    assert "disabled" in button and "opted out" in button["title"]

    # The page itself opens with the box blocked, before anything is typed.
    page = agent_client.get(f"/w/acme/c/{sms_conversation.pk}/")
    assert "opted out" in text_of(page.text, "composer-blocked")
    assert "disabled" in one(page.text, "send-button")["attrs"]

    reply = agent_client.post(
        f"/w/acme/c/{sms_conversation.pk}/reply/", {"text": "Still there?"}, **HTMX
    )
    assert reply.status_code == 422
    assert "opted out" in text_of(reply.text, "composer-errors")
    assert not outbound(sms_conversation).exists()


def test_disabled_channel_and_missing_address_block(agent_client, sms_channel, sms_conversation):
    Channel.objects.filter(pk=sms_channel.pk).update(is_active=False)
    response = preview_post(agent_client, sms_conversation, "Hi")
    assert text_of(response.text, "composer-blocked") == (
        "Cannot send: channel: Support SMS is disabled"
    )

    Channel.objects.filter(pk=sms_channel.pk).update(is_active=True)
    ContactIdentity.objects.filter(contact=sms_conversation.contact).delete()
    response = preview_post(agent_client, sms_conversation, "Hi")
    assert "contact: has no address to send to" in text_of(response.text, "composer-blocked")
    assert "disabled" in one(response.text, "send-button")["attrs"]


# Picking the channel -----------------------------------------------------------------


def test_agent_picks_the_reply_channel_and_the_reply_goes_there(
    agent_client, sms_channel, sms_conversation, page_adapter
):
    other = make_channel(sms_channel.workspace, name="Web chat")
    page = agent_client.get(f"/w/acme/c/{sms_conversation.pk}/")
    picker = one(page.text, "channel-picker")
    assert picker["tag"] == "select"
    assert "Support SMS (SMS)" in picker["text"] and "Web chat (Page test)" in picker["text"]

    response = preview_post(agent_client, sms_conversation, "Hi", channel=other.pk)
    assert "Sends as Page test via Web chat" in text_of(response.text, "composer-route")
    assert find(response.text, "segment-counter") == []  # no per-segment cost there
    assert text_of(response.text, "length-counter") == "2 / 40 characters"

    reply = agent_client.post(
        f"/w/acme/c/{sms_conversation.pk}/reply/", {"text": "Hi", "channel": other.pk}, **HTMX
    )
    assert reply.status_code == 200
    assert outbound(sms_conversation).get().channel == other
    # The fresh box stays on the channel the agent picked.
    assert f'<option value="{other.pk}" selected>' in reply.text


def test_single_channel_workspace_shows_no_picker(agent_client, sms_conversation):
    page = agent_client.get(f"/w/acme/c/{sms_conversation.pk}/")
    assert find(page.text, "channel-picker") == []
    assert find(page.text, "segment-counter") != []


def test_channel_of_another_workspace_is_404(
    agent_client, sms_conversation, other_workspace, page_adapter
):
    foreign = make_channel(other_workspace, name="Globex SMS")
    response = preview_post(agent_client, sms_conversation, "Hi", channel=foreign.pk)
    assert response.status_code == 404
    reply = agent_client.post(
        f"/w/acme/c/{sms_conversation.pk}/reply/", {"text": "Hi", "channel": foreign.pk}, **HTMX
    )
    assert reply.status_code == 404
    assert not outbound(sms_conversation).exists()


def test_preview_of_another_workspaces_conversation_is_404(agent_client, other_conversation):
    assert preview_post(agent_client, other_conversation, "hi").status_code == 404


def test_preview_query_count(agent_client, sms_conversation, django_assert_max_num_queries):
    # Session, user, membership, conversation + its identities, the recipient, the consent.
    with django_assert_max_num_queries(7):
        response = preview_post(agent_client, sms_conversation, "ça va?", chip=["Oui", "Non"])
    assert response.status_code == 200
    assert one(response.text, "segment-counter")["attrs"]["data-encoding"] == "UCS-2"


# RCS with SMS fallback, capability looked up in the RBM sandbox over HTTP -------------


@pytest.fixture
def rcs_with_fallback(live_server, settings, workspace, sms_channel):
    settings.PUBLIC_BASE_URL = live_server.url
    config = rcs_accounts.channel_config()
    rcs_store.register_agent(
        config["agent_id"],
        client_email=json.loads(config["service_account_key"])["client_email"],
        client_token=config["client_token"],
    )
    return create_channel(
        workspace, kind="rcs", name="RCS line", config=config, fallback=sms_channel
    )


def test_not_rcs_capable_number_will_be_sent_as_sms(agent_client, rcs_with_fallback):
    conversation = inbound(rcs_with_fallback, NOT_RCS_CAPABLE, "Hi").conversation
    response = preview_post(agent_client, conversation, "Ready ç?", chip=["Yes", "No"])
    assert response.status_code == 200
    route = one(response.text, "composer-route")
    assert route["attrs"]["data-fell-back"] == "true"
    assert route["attrs"]["data-channel"] == str(rcs_with_fallback.fallback_id)
    assert text_of(response.text, "route-note") == (
        "Not RCS-capable: will be sent as SMS via Support SMS"
    )
    # What the SMS will cost and look like, not the RCS chips.
    assert text_of(response.text, "segment-counter") == "1 segment · UCS-2 because of ‘ç’"
    assert "Reply 1 for Yes, 2 for No" in text_of(response.text, "text-rendering")


def test_rcs_capable_number_goes_as_rcs_and_rcs_limits_are_errors(agent_client, rcs_with_fallback):
    conversation = inbound(rcs_with_fallback, RCS_CAPABLE, "Hi").conversation
    response = preview_post(agent_client, conversation, "Pick one", chip=["Yes", "No"])
    route = one(response.text, "composer-route")
    assert route["attrs"]["data-fell-back"] == "false"
    assert text_of(response.text, "route-note") == "RCS-capable: will be sent as RCS"
    assert find(response.text, "segment-counter") == []
    assert find(response.text, "text-rendering") == []  # chips render natively on RCS
    assert find(response.text, "composer-errors") == []

    long_chip = "Yes please, send it today"  # 25 characters: fine
    too_long = long_chip + "!!!"
    response = preview_post(agent_client, conversation, "Pick one", chip=[long_chip, too_long])
    errors = text_of(response.text, "composer-errors")
    assert "suggestions[1].text: 28 > 25 characters" in errors
    assert "disabled" in one(response.text, "send-button")["attrs"]
