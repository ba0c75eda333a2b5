"""A campaign on a WhatsApp channel opens conversations its recipients have not, so it may
only send an approved WhatsApp message template: anything else is refused, with a clear
reason, when the campaign is saved."""

from __future__ import annotations

import pytest

from inbox.services.campaigns.plan import CampaignRejected
from inbox.services.templates.save import save_template
from tests.whatsapp.conftest import make_template, make_whatsapp_channel

from .conftest import make_contact, new_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def wa_line(workspace):
    return make_whatsapp_channel(workspace)


@pytest.fixture
def contacts(workspace, definitions):
    return [make_contact(workspace, n) for n in range(1, 3)]


def _template(workspace, admin_user, name, content):
    return save_template(
        workspace=workspace, actor=admin_user, name=name, use_case="other", content=content
    )


def test_free_form_content_is_refused_on_whatsapp(workspace, admin_user, wa_line, contacts):
    free = _template(workspace, admin_user, "Free", {"type": "text", "text": "Hi {{first_name}}"})
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(workspace, admin_user, free, wa_line, contacts)
    assert any("approved WhatsApp message template" in e for e in refused.value.errors)
    assert refused.value.errors[0].startswith("WhatsApp line: ")


def test_a_template_not_approved_is_refused(workspace, admin_user, wa_line, contacts):
    make_template(wa_line, status="PENDING")
    pending = _template(
        workspace,
        admin_user,
        "Pending",
        {
            "type": "text",
            "text": "Hi {{first_name}}, order {{balance}} shipped",
            "template": {
                "name": "order_update",
                "language": "en_US",
                "parameters": ["{{first_name}}", "{{balance}}"],
            },
        },
    )
    with pytest.raises(CampaignRejected) as refused:
        new_campaign(workspace, admin_user, pending, wa_line, contacts)
    assert any("not approved" in e for e in refused.value.errors)


def test_an_approved_template_is_accepted(workspace, admin_user, wa_line, contacts):
    make_template(wa_line)
    approved = _template(
        workspace,
        admin_user,
        "Approved",
        {
            "type": "text",
            "text": "Hi {{first_name}}, order {{balance}} shipped",
            "template": {
                "name": "order_update",
                "language": "en_US",
                "parameters": ["{{first_name}}", "{{balance}}"],
            },
        },
    )
    campaign = new_campaign(workspace, admin_user, approved, wa_line, contacts)
    assert campaign.pk and campaign.status == "draft"
