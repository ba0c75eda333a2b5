"""The template editor: every content type of the content spec built from its fields
(text, media, a card, a carousel, with every kind of suggestion), saved as the document
the form describes; content a ticked channel cannot carry refused with the channel's
reason and nothing written; the live phone preview over RCS and SMS; managers only."""

from __future__ import annotations

import pytest

from inbox.models import AuditEntry, MessageTemplate

pytestmark = pytest.mark.django_db

NEW = "/w/acme/templates/build/"
PREVIEW = "/w/acme/templates/build/preview/"


@pytest.fixture
def managing(client, manager, rcs_channel, definitions):
    client.force_login(manager)
    return client


def _chips(prefix: str) -> dict:
    """One suggestion of every type, as the form posts them."""
    rows = [
        {"type": "reply", "text": "My balance", "postback": "balance"},
        {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
        {"type": "dial", "text": "Call us", "phone": "+525512345678"},
        {
            "type": "view_location",
            "text": "Find a store",
            "latitude": "19.43",
            "longitude": "-99.13",
            "label": "Centro",
        },
        {"type": "share_location", "text": "Share location"},
        {
            "type": "calendar_event",
            "text": "Add to calendar",
            "title": "Payment due",
            "start": "2027-01-15T10:00:00Z",
            "end": "2027-01-15T11:00:00Z",
        },
    ]
    fields = {f"{prefix}suggestions": str(len(rows))}
    for j, row in enumerate(rows):
        for key, value in row.items():
            fields[f"{prefix}s-{j}-{key}"] = value
    return fields


EXPECTED_CHIPS = [
    {"type": "reply", "text": "My balance", "postback": "balance"},
    {"type": "open_url", "text": "Pay now", "url": "https://pay.example.com/"},
    {"type": "dial", "text": "Call us", "phone": "+525512345678"},
    {
        "type": "view_location",
        "text": "Find a store",
        "latitude": 19.43,
        "longitude": -99.13,
        "label": "Centro",
    },
    {"type": "share_location", "text": "Share location"},
    {
        "type": "calendar_event",
        "text": "Add to calendar",
        "title": "Payment due",
        "start": "2027-01-15T10:00:00Z",
        "end": "2027-01-15T11:00:00Z",
    },
]


def _card(i: int, title: str, **extra) -> dict:
    fields = {
        f"card-{i}-title": title,
        f"card-{i}-description": "Balance {{balance}}",
        f"card-{i}-media_url": f"https://cdn.example.com/{i}.jpeg",
        f"card-{i}-media_height": "tall",
        f"card-{i}-suggestions": "1",
        f"card-{i}-s-0-type": "open_url",
        f"card-{i}-s-0-text": "Buy",
        f"card-{i}-s-0-url": f"https://shop.example.com/{i}",
    }
    return {**fields, **extra}


def _expected_card(i: int, title: str) -> dict:
    return {
        "title": title,
        "description": "Balance {{balance}}",
        "media": {
            "url": f"https://cdn.example.com/{i}.jpeg",
            "mime_type": "image/jpeg",
            "height": "tall",
        },
        "suggestions": [
            {"type": "open_url", "text": "Buy", "url": f"https://shop.example.com/{i}"}
        ],
    }


CASES = {
    "text": (
        {"type": "text", "text": "Hola {{first_name}}", **_chips("")},
        {"type": "text", "text": "Hola {{first_name}}", "suggestions": EXPECTED_CHIPS},
    ),
    "media": (
        {"type": "media", "media_url": "https://cdn.example.com/ticket.png", "caption": "Gate 4"},
        {
            "type": "media",
            "url": "https://cdn.example.com/ticket.png",
            "mime_type": "image/png",
            "caption": "Gate 4",
        },
    ),
    "card": (
        {
            "type": "card",
            "orientation": "horizontal",
            "thumbnail_alignment": "right",
            **_card(0, "Hi {{first_name}}"),
        },
        {
            "type": "card",
            "card": _expected_card(0, "Hi {{first_name}}"),
            "orientation": "horizontal",
            "thumbnail_alignment": "right",
        },
    ),
    "carousel": (
        {
            "type": "carousel",
            "card_width": "medium",
            "cards": "3",
            **_card(0, "Roses"),
            **_card(1, "Tulips"),
            **_card(2, "Lilies"),
            "suggestions": "1",
            "s-0-type": "reply",
            "s-0-text": "Talk to an agent",
        },
        {
            "type": "carousel",
            "card_width": "medium",
            "cards": [
                _expected_card(0, "Roses"),
                _expected_card(1, "Tulips"),
                _expected_card(2, "Lilies"),
            ],
            "suggestions": [{"type": "reply", "text": "Talk to an agent"}],
        },
    ),
}


@pytest.mark.parametrize("kind", list(CASES))
def test_each_content_type_is_saved_as_the_form_describes(
    managing, workspace, rcs_channel, sms_channel, kind
):
    fields, expected = CASES[kind]
    posted = {
        "name": f"A {kind}",
        "use_case": "other",
        "check": [str(rcs_channel.pk), str(sms_channel.pk)],
        "action": "save",
        **fields,
    }
    answer = managing.post(NEW, posted)
    assert answer.status_code == 302, answer.content.decode().split("template-errors")[-1][:600]
    template = MessageTemplate.objects.get(workspace=workspace, name=f"A {kind}")
    assert template.content == expected
    assert answer["Location"] == f"/w/acme/templates/{template.pk}/build/"
    assert template.sms_text  # the generated text version, for phones without RCS
    # The editor opens the saved document back into the same fields.
    page = managing.get(answer["Location"]).content.decode()
    if kind == "carousel":
        assert 'value="Lilies"' in page and 'name="card-2-s-0-url"' in page


def test_an_edited_text_version_is_kept_with_its_segment_count(managing, workspace, rcs_channel):
    posted = {
        "name": "Code",
        "type": "text",
        "text": "Your balance is {{balance}}",
        "action": "save",
    }
    posted["sms_text"] = "Code {{first_name}}: " + "x" * 170  # two GSM-7 segments
    assert managing.post(NEW, posted).status_code == 302
    template = MessageTemplate.objects.get(name="Code")
    assert template.sms_text_edited and template.sms_text.startswith("Code {{first_name}}")
    phone = managing.post(PREVIEW, posted).content.decode()
    assert "2 segments" in phone or "2 SMS" in phone, phone


def test_content_a_channel_cannot_carry_is_refused_and_nothing_written(
    managing, workspace, rcs_channel
):
    # RBM shows at most 10 cards in a carousel and 25 characters on a chip.
    cards = {}
    for i in range(11):
        cards.update(_card(i, f"Card {i}"))
    posted = {
        "name": "Too many",
        "type": "carousel",
        "cards": "11",
        **cards,
        "suggestions": "1",
        "s-0-type": "reply",
        "s-0-text": "A reply label much too long for a chip",
        "check": [str(rcs_channel.pk)],
        "action": "save",
    }
    before = AuditEntry.objects.count()
    answer = managing.post(NEW, posted)
    assert answer.status_code == 422
    body = answer.content.decode()
    assert "RCS line:" in body
    assert "10" in body and "25" in body
    assert not MessageTemplate.objects.filter(name="Too many").exists()
    assert AuditEntry.objects.count() == before
    # Not checked against RCS (say, an SMS-only template), the same content is saved.
    posted["check"] = []
    assert managing.post(NEW, posted).status_code == 302


def test_an_existing_template_is_not_changed_by_a_refused_save(managing, workspace, rcs_channel):
    posted = {"name": "Kept", "type": "text", "text": "Hello", "action": "save"}
    managing.post(NEW, posted)
    template = MessageTemplate.objects.get(name="Kept")
    posted.update(
        {
            "text": "Hello again",
            "suggestions": "1",
            "s-0-type": "reply",
            "s-0-text": "x" * 30,
            "check": [str(rcs_channel.pk)],
        }
    )
    assert managing.post(f"/w/acme/templates/{template.pk}/build/", posted).status_code == 422
    template.refresh_from_db()
    assert template.content == {"type": "text", "text": "Hello"}


def test_the_preview_draws_the_rcs_card_with_its_chips_and_the_sms_text(managing, rcs_channel):
    posted = {"type": "card", **_card(0, "Hi {{first_name}}"), **_chips("")}
    phone = managing.post(PREVIEW, posted).content.decode()
    assert 'data-testid="rcs-card"' in phone
    assert "Hi {{first_name}}" in phone
    assert phone.count('data-testid="rcs-chip"') == 1 + len(EXPECTED_CHIPS)
    assert 'data-testid="rcs-brand-header"' in phone
    sms = phone.split('data-testid="phone-sms"')[1]
    assert "Pay now: https://pay.example.com/" in sms  # the fallback rules' text version
    assert "1 for My balance" in sms, sms
    assert "segment" in sms.split('data-testid="sms-segments"')[1]


def test_the_preview_shows_the_channel_reason_instead_of_drawing(managing, rcs_channel):
    posted = {"type": "text", "text": "Hi", "suggestions": "1", "s-0-type": "reply"}
    posted["s-0-text"] = "y" * 30
    phone = managing.post(PREVIEW, posted).content.decode()
    assert 'data-testid="rcs-errors"' in phone
    assert 'data-testid="rcs-card"' not in phone


def test_rows_are_added_and_removed_without_saving(managing, rcs_channel):
    posted = {"type": "carousel", "cards": "2", **_card(0, "A"), **_card(1, "B")}
    form = managing.post(NEW, {**posted, "action": "add-card"}).content.decode()
    assert 'name="card-2-title"' in form and 'value="B"' in form
    form = managing.post(NEW, {**posted, "action": "remove-card-0"}).content.decode()
    assert 'value="A"' not in form and 'value="B"' in form
    form = managing.post(NEW, {**posted, "action": "add-card-1-s"}).content.decode()
    assert 'name="card-1-s-1-type"' in form
    assert not MessageTemplate.objects.exists()


def test_agents_are_refused_and_other_workspaces_do_not_exist(
    client, agent, outsider, workspace, rcs_channel
):
    client.force_login(agent)
    assert client.get(NEW).status_code == 403
    assert client.post(PREVIEW, {"type": "text", "text": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.get(NEW).status_code == 404
    template = MessageTemplate.objects.create(
        workspace=workspace, name="Ours", content={"type": "text", "text": "x"}
    )
    from inbox.models import Membership, Role

    Membership.objects.filter(user=outsider).update(role=Role.MANAGER)
    assert client.get(f"/w/globex/templates/{template.pk}/build/").status_code == 404


def test_coordinates_stay_machine_readable_on_a_spanish_page(managing):
    """A Spanish page writes 19,43 for a decimal; posted back, that is not a number."""
    posted = {"name": "Tienda", "type": "text", "text": "Hola", "action": "save", **_chips("")}
    managing.post(NEW, posted)
    template = MessageTemplate.objects.get(name="Tienda")
    page = managing.get(
        f"/w/acme/templates/{template.pk}/build/", HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert 'lang="es"' in page
    assert 'value="19.43"' in page and 'value="-99.13"' in page
    assert "19,43" not in page


def test_a_chip_ticked_as_a_conversion_marks_its_postback(managing, workspace):
    posted = {
        "name": "Reminder",
        "type": "text",
        "text": "You owe {{balance}}",
        "suggestions": "2",
        "s-0-type": "reply",
        "s-0-text": "I paid",
        "s-0-postback": "paid",
        "s-0-conversion": "1",
        "s-1-type": "reply",
        "s-1-text": "My balance",
        "s-1-postback": "balance",
        "action": "save",
    }
    answer = managing.post(NEW, posted)
    assert answer.status_code == 302
    template = MessageTemplate.objects.get(workspace=workspace, name="Reminder")
    assert template.conversion_postbacks == ["paid"]
    page = managing.get(answer["Location"]).content.decode()
    assert 'value="1" checked data-testid="s-0-conversion"' in page
    assert 'value="1" data-testid="s-1-conversion"' in page
    # Unticked on a later save: no longer a conversion.
    del posted["s-0-conversion"]
    assert managing.post(answer["Location"], posted).status_code == 302
    template.refresh_from_db()
    assert template.conversion_postbacks == []


def test_a_conversion_chip_without_a_postback_is_refused(managing, workspace):
    posted = {
        "name": "No postback",
        "type": "text",
        "text": "Pay",
        "suggestions": "1",
        "s-0-type": "reply",
        "s-0-text": "I paid",
        "s-0-conversion": "1",
        "action": "save",
    }
    answer = managing.post(NEW, posted)
    assert answer.status_code == 422
    assert "give it a postback" in answer.content.decode()
    assert not MessageTemplate.objects.filter(name="No postback").exists()
