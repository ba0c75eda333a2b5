"""Templates: placeholders filled by the attribute's type, the SMS text version, the
gallery, and what a save refuses."""

from __future__ import annotations

import pytest
from django.utils import translation

from inbox.content import validate
from inbox.models import AuditEntry
from inbox.services.templates import gallery
from inbox.services.templates.placeholders import contact_values, format_value, render_for
from inbox.services.templates.save import (
    TemplateRejected,
    create_from_gallery,
    save_template,
)
from inbox.services.templates.sms import workspace_text_cost

from .conftest import make_contact

pytestmark = pytest.mark.django_db


def test_values_are_formatted_by_type_in_the_workspace_language():
    with translation.override("en"):
        assert format_value("number", 1234.5) == "1,234.50"
        assert format_value("number", 1200) == "1,200"
        assert format_value("date", "2027-01-15") == "Jan. 15, 2027"
    with translation.override("es"):
        assert format_value("number", 1234.5) == "1 234,50"  # a plain space: GSM-7
        assert format_value("date", "2027-01-15") == "15 de enero de 2027"
    assert format_value("number", "not a number") == ""  # another type reads as no value


def test_a_contact_fills_name_first_name_and_attributes(workspace, definitions):
    contact = make_contact(workspace, 1, balance=1234.5, due_date="2027-01-15")
    values = contact_values(contact, {"balance": "number", "due_date": "date"}, language="es")
    assert values == {
        "name": "Ana Number1",
        "first_name": "Ana",
        "balance": "1 234,50",
        "due_date": "15 de enero de 2027",
    }
    rendered = render_for(
        content={"type": "text", "text": "Hola {{ first_name }}: {{balance}}"},
        sms_text="Hola {{first_name}}",
        values=values,
    )
    assert rendered.content["text"] == "Hola Ana: 1 234,50" and rendered.text == "Hola Ana"


def test_a_missing_value_fails_the_rendering_with_its_key():
    rendered = render_for(
        content={"type": "text", "text": "Hola {{name}}, {{balance}}"},
        sms_text="",
        values={"balance": "3"},
    )
    assert rendered.content is None and rendered.missing == ("name",)


def test_the_sms_version_is_generated_with_numbered_options_and_counted(
    workspace, reminder, sms_channel
):
    assert reminder.sms_text == (
        "Hola {{first_name}}, you owe {{balance}} by {{due_date}}.\n"
        "Pay now: https://pay.example.com/\n"
        "Reply 1 for My balance, 2 for Talk to an agent"
    )
    assert not reminder.sms_text_edited
    cost = workspace_text_cost(reminder.sms_text, workspace=workspace)
    assert cost.channel == sms_channel and cost.segments == 1


def test_an_edited_sms_text_is_kept_and_clearing_it_regenerates(workspace, admin_user, reminder):
    edited = save_template(
        workspace=workspace, actor=admin_user, template=reminder, sms_text="Pay {{balance}}"
    )
    assert edited.sms_text == "Pay {{balance}}" and edited.sms_text_edited
    edited = save_template(
        workspace=workspace,
        actor=admin_user,
        template=reminder,
        content={"type": "text", "text": "Now {{balance}}"},
    )
    assert edited.sms_text == "Pay {{balance}}"  # kept while it is the person's own
    cleared = save_template(workspace=workspace, actor=admin_user, template=reminder, sms_text="")
    assert cleared.sms_text == "Now {{balance}}" and not cleared.sms_text_edited
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["template.created"] + ["template.updated"] * 3


def test_unknown_placeholders_and_bad_content_are_refused(workspace, admin_user, definitions):
    with pytest.raises(TemplateRejected) as refused:
        save_template(
            workspace=workspace,
            actor=admin_user,
            name="Bad",
            use_case="other",
            content={
                "type": "card",
                "card": {"title": "Hi {{nickname}}"},
                "suggestions": [{"type": "open_url", "text": "Pay"}],
            },
        )
    assert any("{{nickname}}" in e for e in refused.value.errors)
    assert any("url: required" in e for e in refused.value.errors)


def test_every_gallery_entry_is_valid_content_and_creatable(workspace, admin_user):
    for use_case, entry in gallery.GALLERY.items():
        assert validate(entry["content"]) == [], use_case
        template = create_from_gallery(workspace=workspace, actor=admin_user, use_case=use_case)
        assert template.use_case == use_case and template.sms_text
    again = create_from_gallery(workspace=workspace, actor=admin_user, use_case="one_time_code")
    assert again.name == "One-time code (2)"
    otp = again.content
    assert "suggestions" not in otp and again.traffic_type == "authentication"
