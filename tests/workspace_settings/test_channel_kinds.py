"""The channel settings pages offer every registered adapter that brings a config form.

A channel app registers its adapter and names its form (`config_form`); nothing in the
settings app lists the kinds, so a throwaway adapter registered here must be offered on
the channels page and be addable and editable like SMS or RCS.
"""

from __future__ import annotations

import pytest
from django import forms

from inbox.adapters import Capabilities, ChannelAdapter, SendResult, registry
from inbox.adapters.config_form import ChannelConfigForm
from inbox.models import AuditEntry, Channel

pytestmark = pytest.mark.django_db
API_KEY = "throwaway-secret-1234"


class ThrowawayForm(ChannelConfigForm):
    kind = "throwaway"
    secret_fields = ("api_key",)
    config_fields = ("handle",)

    handle = forms.CharField(label="Handle", max_length=40)
    api_key = forms.CharField(label="API key", widget=forms.PasswordInput)


class ThrowawayAdapter(ChannelAdapter):
    kind = "throwaway"
    label = "Throwaway chat"
    secret_keys = ("api_key",)
    default_api_base_url = "https://api.throwaway.example"
    config_form = ThrowawayForm

    def validate_config(self, config: dict, secrets: dict) -> list[str]:
        return [] if config.get("handle") else ["handle: required"]

    def capabilities(self, channel):
        return Capabilities()

    def render_text(self, content):
        return content.get("text", "")

    def send(self, channel, *, to, content, message_id):
        return SendResult(provider_message_id=message_id)

    def verify_webhook(self, channel, request):
        return False

    def parse_webhook(self, channel, request):
        return []


@pytest.fixture
def throwaway(monkeypatch):
    monkeypatch.setitem(registry._adapters, "throwaway", ThrowawayAdapter())


def test_a_registered_adapter_with_a_form_is_offered_and_creatable(
    throwaway, admin_client, workspace
):
    page = admin_client.get("/w/acme/settings/channels/").content.decode()
    assert 'data-testid="add-throwaway"' in page and "Add Throwaway chat channel" in page
    assert 'data-testid="add-sms"' in page and 'data-testid="add-rcs"' in page

    form_page = admin_client.get("/w/acme/settings/channels/new/throwaway/")
    assert form_page.status_code == 200
    assert 'name="handle"' in form_page.content.decode()

    response = admin_client.post(
        "/w/acme/settings/channels/new/throwaway/",
        {"name": "Chat", "provider": "live", "handle": "acme", "api_key": API_KEY},
    )
    assert response.status_code == 302
    channel = Channel.objects.get(workspace=workspace, kind="throwaway")
    assert channel.config["handle"] == "acme" and channel.secrets == {"api_key": API_KEY}
    assert channel.api_base_url == "https://api.throwaway.example"
    assert AuditEntry.objects.filter(action="channel.created").exists()

    edit = admin_client.get(response["Location"])
    assert edit.status_code == 200 and API_KEY not in edit.content.decode()
    listed = admin_client.get("/w/acme/settings/channels/").content.decode()
    assert f'data-channel-id="{channel.pk}"' in listed


def test_an_adapter_without_a_form_is_not_offered(admin_client, workspace, page_adapter):
    page = admin_client.get("/w/acme/settings/channels/").content.decode()
    assert f'data-testid="add-{page_adapter.kind}"' not in page
    response = admin_client.get(f"/w/acme/settings/channels/new/{page_adapter.kind}/")
    assert response.status_code == 404
