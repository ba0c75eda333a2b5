"""Campaign fixtures: a sandbox SMS channel, an RCS channel falling back to it, typed
contact attributes and a few contacts."""

from __future__ import annotations

import pytest

from inbox.models import Contact
from inbox.services import create_channel
from inbox.services.campaigns.plan import create_campaign
from inbox.services.contact_book import upsert_contact
from inbox.services.templates.save import save_template
from workspace_settings.models import AttributeType, ContactAttributeDefinition


@pytest.fixture
def sms_channel(workspace):
    from channels_sms import sandbox

    return create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config("+14155550100")
    )


@pytest.fixture
def rcs_channel(workspace, sms_channel):
    from channels_rcs.sandbox import accounts

    return create_channel(
        workspace,
        kind="rcs",
        name="RCS line",
        config=accounts.channel_config(),
        fallback=sms_channel,
    )


@pytest.fixture
def definitions(workspace):
    rows = {"balance": AttributeType.NUMBER, "due_date": AttributeType.DATE}
    return {
        key: ContactAttributeDefinition.objects.create(
            workspace=workspace, key=key, label=key.title(), type=kind
        )
        for key, kind in rows.items()
    }


def make_contact(workspace, n: int, **attributes) -> Contact:
    contact, _created = upsert_contact(
        workspace,
        phone=f"+1415555{n:04d}",
        name=f"Ana Number{n}",
        attributes=attributes or {"balance": 10 + n, "due_date": "2027-01-15"},
        source="api",
    )
    return contact


def new_campaign(workspace, actor, template, channel, audience, **kwargs):
    """A draft campaign; `audience` a contact list or an audience document."""
    if isinstance(audience, list):
        audience = {"contact_ids": [c.pk for c in audience]}
    return create_campaign(
        workspace=workspace,
        actor=actor,
        name=kwargs.pop("name", "January reminders"),
        template=template,
        channel=channel,
        audience=audience,
        **kwargs,
    )


@pytest.fixture
def reminder(workspace, admin_user, definitions):
    return save_template(
        workspace=workspace,
        actor=admin_user,
        name="Reminder",
        use_case="payment_reminder",
        content={
            "type": "text",
            "text": "Hola {{first_name}}, you owe {{balance}} by {{due_date}}.",
            "suggestions": [
                {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
                {"type": "reply", "text": "My balance"},
                {"type": "reply", "text": "Talk to an agent"},
            ],
        },
    )
