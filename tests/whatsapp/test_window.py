"""The 24-hour customer-service window, enforced before a send is queued and shown in
the composer's preview; a template is allowed outside it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import Author, Direction, Message
from inbox.services import send_message
from inbox.services.errors import SendRejected
from inbox.services.preview import compose_preview

pytestmark = pytest.mark.django_db
OUTSIDE = "content: outside the 24-hour window: choose a template"


def customer_wrote(conversation, *, hours_ago: float):
    return Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=conversation.channel,
        direction=Direction.INBOUND,
        author=Author.CONTACT,
        content={"type": "text", "text": "hi"},
        text="hi",
        created_at=timezone.now() - timedelta(hours=hours_ago),
        provider_message_id=f"wamid.in{hours_ago}",
    )


def test_free_form_is_refused_when_the_customer_never_wrote(conversation):
    with pytest.raises(SendRejected) as caught:
        send_message(conversation, {"type": "text", "text": "Hello"})
    assert caught.value.errors[0].startswith(OUTSIDE)
    assert not Message.objects.exists()


def test_free_form_is_refused_25_hours_after_the_customers_last_message(conversation):
    customer_wrote(conversation, hours_ago=25)
    with pytest.raises(SendRejected):
        send_message(conversation, {"type": "text", "text": "Hello"})


def test_free_form_goes_within_the_window(conversation):
    customer_wrote(conversation, hours_ago=23)
    message = send_message(conversation, {"type": "text", "text": "Hello"})
    assert message.status == "queued"


def test_the_composer_says_so_before_sending(conversation):
    preview = compose_preview(conversation, {"type": "text", "text": "Hello"})
    assert preview.errors and preview.errors[0].startswith(OUTSIDE)


def test_an_approved_template_goes_outside_the_window(conversation, approved):
    from channels_whatsapp.message_templates import template_content

    message = send_message(conversation, template_content(approved, ["Ana", "42"]))
    assert message.text == "Hi Ana, order 42 shipped"


def test_a_template_not_approved_or_with_wrong_parameters_is_refused(conversation, approved):
    from channels_whatsapp.message_templates import template_content

    with pytest.raises(SendRejected) as caught:
        send_message(conversation, template_content(approved, ["Ana"]))
    assert caught.value.errors == ["content.template.parameters: 1 given, the template has 2"]
    approved.status = "PENDING"
    approved.save()
    with pytest.raises(SendRejected) as caught:
        send_message(conversation, template_content(approved, ["Ana", "42"]))
    assert caught.value.errors == ["content.template.name: not approved (Pending review)"]
