"""seed_demo's sandbox channels beyond SMS: RCS with its fallback, brand and conversation."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.conf import settings
from PIL import Image

from channels_rcs.adapter import SANDBOX_DEMO_AGENT_ID
from channels_rcs.brand.demo import DEMO_RCS_CUSTOMER, DEMO_RCS_MESSAGE
from channels_rcs.brand.models import BrandAssignment, BrandProfile
from channels_rcs.brand.services import assign_brand, brand_for_channel, create_brand
from channels_rcs.brand.validation import LOGO_RULE, contrast_ratio, validate_brand
from channels_rcs.sandbox import accounts as rbm_accounts
from inbox.models import Channel, Contact, Conversation, Message, Workspace

from .conftest import run

MODELS = (Workspace, Channel, Contact, Conversation, Message, BrandProfile, BrandAssignment)


@pytest.fixture(autouse=True)
def _only_sms_and_rcs_sandboxes(settings):
    """These cases count the SMS and RCS demo channels; the WhatsApp sandbox's own demo
    channel is seeded too when it is on (tests/demo/test_seed_demo_history.py)."""
    settings.WHATSAPP_SANDBOX_ENABLED = False


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo brand's images go to a per-test directory."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_creates_an_sms_and_an_rcs_sandbox_channel(db):
    out = run("seed_demo")
    sms = Channel.objects.get(kind="sms")
    rcs = Channel.objects.get(kind="rcs")
    assert [(c["kind"], c["name"]) for c in out["channels"]] == [
        ("sms", "SMS (sandbox)"),
        ("rcs", "RCS (sandbox)"),
    ]
    assert out["channels"][1] == {
        "id": rcs.pk,
        "kind": "rcs",
        "name": "RCS (sandbox)",
        "webhook_urls": rcs.adapter.webhook_urls(rcs),
    }
    assert set(out["channels"][1]["webhook_urls"]) == {"webhook"}
    assert rcs.workspace == sms.workspace
    assert rcs.config["agent_id"] == SANDBOX_DEMO_AGENT_ID
    assert rcs.api_base_url == settings.PUBLIC_BASE_URL + "/sandbox/rbm"
    assert "client_token" not in rcs.config and rcs.secrets["client_token"]
    key = json.loads(rcs.secrets["service_account_key"])
    assert key["token_uri"] == rbm_accounts.token_uri()


def test_rcs_falls_back_to_sms_and_sms_has_no_fallback(db):
    run("seed_demo")
    sms = Channel.objects.get(kind="sms")
    rcs = Channel.objects.get(kind="rcs")
    assert rcs.fallback == sms
    assert sms.fallback is None


def test_the_sandbox_knows_the_demo_agent(db):
    """The sandbox accepts the channel's own key and signs webhooks with its token."""
    run("seed_demo")
    rcs = Channel.objects.get(kind="rcs")
    key = json.loads(rcs.secrets["service_account_key"])
    assert rbm_accounts.agent_owner_emails(SANDBOX_DEMO_AGENT_ID) == {key["client_email"]}
    assert rbm_accounts.client_token_for(SANDBOX_DEMO_AGENT_ID) == rcs.secrets["client_token"]
    assert (
        rbm_accounts.webhook_url_for(SANDBOX_DEMO_AGENT_ID)
        == (rcs.adapter.webhook_urls(rcs)["webhook"])
    )


def test_demo_brand_is_valid_and_assigned(db):
    run("seed_demo")
    rcs = Channel.objects.get(kind="rcs")
    brand = brand_for_channel(rcs)
    assert brand is not None and brand.display_name == "Demo Co"
    assert brand.workspace == rcs.workspace
    assert contrast_ratio(brand.color) >= 4.5
    assert brand.websites == [{"label": "Website", "value": "https://example.com"}]
    with brand.logo.open("rb") as f:
        logo = Image.open(BytesIO(f.read()))
        assert (logo.format, logo.size) == ("PNG", (LOGO_RULE.width, LOGO_RULE.height))
    with brand.banner.open("rb") as f:
        assert Image.open(BytesIO(f.read())).size == (1440, 448)
    # The stored profile passes every rule the admin form applies.
    data = {
        f: getattr(brand, f)
        for f in (
            "display_name",
            "description",
            "color",
            "phone_numbers",
            "websites",
            "emails",
            "privacy_policy_url",
            "terms_url",
        )
    }
    _, errors = validate_brand(data, has_logo=True, has_banner=True)
    assert errors == {}


def test_demo_rcs_conversation_from_an_rcs_capable_phone(db):
    run("seed_demo")
    rcs = Channel.objects.get(kind="rcs")
    phone, name = DEMO_RCS_CUSTOMER
    provider_id, text, _ = DEMO_RCS_MESSAGE
    assert int(phone[-1]) % 2 == 0  # the sandbox reaches even numbers over RCS
    conversation = Conversation.objects.get(channel=rcs, contact__identities__value=phone)
    assert conversation.contact.name == name
    message = conversation.messages.get()
    assert (message.direction, message.provider_message_id) == ("inbound", provider_id)
    assert message.content == {"type": "text", "text": text}
    assert conversation.last_message_preview == text


def test_rerun_changes_no_counts_and_same_output(db):
    first = run("seed_demo")
    before = counts()
    assert before["Channel"] == 2 and before["BrandProfile"] == 1
    assert before["BrandAssignment"] == 1
    second = run("seed_demo")
    assert counts() == before
    assert second == first


def test_rerun_keeps_a_brand_the_admin_chose(db):
    run("seed_demo")
    rcs = Channel.objects.get(kind="rcs")
    demo_brand = brand_for_channel(rcs)
    other = create_brand(
        rcs.workspace,
        {f: getattr(demo_brand, f) for f in ("description", "color", "websites")}
        | {
            "display_name": "Other",
            "privacy_policy_url": "https://example.com/p",
            "terms_url": "https://example.com/t",
        },
        logo=demo_brand.logo.open("rb"),
        banner=demo_brand.banner.open("rb"),
    )
    assign_brand(other, rcs)
    run("seed_demo")
    assert brand_for_channel(rcs) == other
    assert BrandProfile.objects.filter(display_name="Demo Co").count() == 1


def test_rerun_restores_a_cleared_fallback(db):
    run("seed_demo")
    Channel.objects.filter(kind="rcs").update(fallback=None)
    run("seed_demo")
    assert Channel.objects.get(kind="rcs").fallback == Channel.objects.get(kind="sms")


def test_an_adapter_without_a_sandbox_gets_no_demo_channel(db, fake_adapter):
    out = run("seed_demo")
    assert fake_adapter.kind not in {c["kind"] for c in out["channels"]}
    assert not Channel.objects.filter(kind=fake_adapter.kind).exists()


def test_no_rcs_channel_while_its_sandbox_is_off(db, settings):
    settings.RCS_SANDBOX_ENABLED = False
    out = run("seed_demo")
    assert [c["kind"] for c in out["channels"]] == ["sms"]
    assert not BrandProfile.objects.exists()
