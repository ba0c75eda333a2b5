"""Every page an admin of a Spanish workspace opens reads in Spanish (no English word left
in its text or labels): the fast, server-side half of the browser test."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_sms import sandbox
from inbox import services
from inbox.adapters import InboundMessage
from inbox.models import Contact

from .english_words import english_in_html

PAGES = (
    "/w/acme/",
    "/w/acme/contacts/",
    "/w/acme/conversations/new/",
    "/w/acme/dashboards/",
    "/w/acme/campaigns/",
    "/w/acme/templates/",
    "/w/acme/settings/members/",
    "/w/acme/settings/security/",
    "/w/acme/settings/api-tokens/",
    "/w/acme/settings/data/",
    "/w/acme/settings/audit/",
    "/w/acme/settings/channels/",
    "/w/acme/settings/hours/",
    "/w/acme/settings/teams/",
    "/w/acme/settings/canned-responses/",
    "/w/acme/settings/labels/",
    "/w/acme/settings/attributes/",
    "/w/acme/settings/webhooks/",
    "/accounts/2fa/",
)


@pytest.fixture
def spanish_setup(live_settings, workspace, admin_user):
    workspace.language = "es"
    workspace.save(update_fields=["language"])
    channel = services.create_channel(
        workspace, kind="sms", name="Soporte", config=sandbox.channel_config("+525500000002")
    )
    services.ingest(
        channel,
        [
            InboundMessage(
                provider_message_id="SMes1",
                sender="+525512340001",
                recipient="",
                content={"type": "text", "text": "Hola, ¿dónde está mi pedido?"},
                text="Hola, ¿dónde está mi pedido?",
                sender_name="Mariana López",
            )
        ],
    )
    yield channel
    sandbox.reset(channel.config["account_sid"])


@pytest.mark.django_db
def test_signed_out_pages_in_spanish(client):
    for url in ("/accounts/login/", "/accounts/password_reset/"):
        page = client.get(url, headers={"accept-language": "es-MX"})
        assert page.status_code == 200, url
        assert english_in_html(page.text) == [], url


@pytest.mark.django_db
def test_admin_pages_in_spanish(client, admin_user, spanish_setup):
    client.force_login(admin_user)
    contact = Contact.objects.get(name="Mariana López")
    conversation = contact.conversations.first()
    pages = [
        *PAGES,
        reverse("inbox:conversation", args=["acme", conversation.pk]),
        f"/w/acme/contacts/{contact.pk}/",
        reverse("wsettings:channel_edit", args=["acme", spanish_setup.pk]),
        reverse("wsettings:contact_edit", args=["acme", contact.pk]),
    ]
    left = {}
    for url in pages:
        page = client.get(url, headers={"accept-language": "es-MX"})
        assert page.status_code == 200, (url, page.status_code)
        words = english_in_html(page.text)
        if words:
            left[url] = words
    assert left == {}, "\n".join(f"{u}: {w}" for u, ws in left.items() for w in ws)
