"""Meta's template review results through the signed webhook (message_template_status_update):
the template's approval state follows without a sync, only within the channel's own
workspace and WABA, and only once the body is verified."""

from __future__ import annotations

import json

import pytest

from channels_whatsapp.sandbox import api, store

from .conftest import (
    DOC_PHONE_NUMBER_ID,
    Poster,
    make_template,
    make_whatsapp_channel,
    payload,
)

pytestmark = pytest.mark.django_db
DOC_WABA_ID = "102290129340398"


@pytest.fixture
def channel(workspace):
    return make_whatsapp_channel(
        workspace, phone_number_id=DOC_PHONE_NUMBER_ID, waba_id=DOC_WABA_ID
    )


def _template(channel, **extra):
    return make_template(
        channel, "welcome_template", "PENDING", "Welcome!", category="MARKETING", **extra
    )


def _event(event: str, reason: str = "NONE") -> dict:
    body = payload("template_status_update.json")
    body["entry"][0]["changes"][0]["value"].update(event=event, reason=reason)
    return body


def test_a_rejection_arrives_with_metas_reason(channel):
    template = _template(channel, provider_id="806312974732579")
    assert Poster(channel).signed(payload("template_status_update.json")).status_code == 200
    template.refresh_from_db()
    assert template.status == "REJECTED"
    assert template.rejected_reason == "INCORRECT_CATEGORY"


def test_an_approval_is_matched_by_name_and_language_and_clears_the_reason(channel):
    template = _template(channel, rejected_reason="INVALID_FORMAT")
    assert Poster(channel).signed(_event("APPROVED")).status_code == 200
    template.refresh_from_db()
    assert (template.status, template.rejected_reason) == ("APPROVED", "")


@pytest.mark.parametrize(("event", "status"), [("PAUSED", "PAUSED"), ("FLAGGED", "PENDING")])
def test_other_events(channel, event, status):
    template = _template(channel)
    Poster(channel).signed(_event(event))
    template.refresh_from_db()
    assert template.status == status


def test_an_unsigned_body_changes_nothing(channel):
    template = _template(channel)
    body = json.dumps(_event("APPROVED")).encode()
    assert Poster(channel).raw(body, "sha256=" + "0" * 64).status_code == 403
    template.refresh_from_db()
    assert template.status == "PENDING"


def test_another_workspaces_templates_on_the_same_waba_are_not_touched(channel, other_workspace):
    theirs = _template(make_whatsapp_channel(other_workspace, waba_id=DOC_WABA_ID))
    ours = _template(channel)
    Poster(channel).signed(_event("APPROVED"))
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert (ours.status, theirs.status) == ("APPROVED", "PENDING")


def test_another_wabas_update_is_ignored(channel):
    template = _template(channel)
    body = _event("APPROVED")
    body["entry"][0]["id"] = "999999999999999"
    Poster(channel).signed(body)
    template.refresh_from_db()
    assert template.status == "PENDING"


def test_the_sandbox_reports_its_review_to_the_webhook(live_server, settings, workspace):
    from channels_whatsapp import message_templates

    settings.PUBLIC_BASE_URL = live_server.url
    channel = make_whatsapp_channel(workspace)
    template = message_templates.create_template(
        channel, name="order_update", language="en_US", category="UTILITY",
        body="Hi {{1}}", examples=["Ana"],
    )  # fmt: skip
    message_templates.submit_template(template)
    assert template.status == "PENDING"
    api.apply_controls(
        {
            "phone_number_id": channel.config["phone_number_id"],
            "waba_id": channel.config["waba_id"],
        },
        {"review": {"name": "order_update", "language": "en_US", "status": "APPROVED"}},
    )
    template.refresh_from_db()
    assert template.status == "APPROVED"  # no sync needed
    store.reset(channel.config["phone_number_id"])
