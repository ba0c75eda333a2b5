"""Automation fixtures: a sandbox SMS channel, templates for the balance / pay / agent
dialog, and `inbound`, which applies a customer's message as the webhook path does and
then does what the receiver and the task do (match in memory, run the candidates)."""

from __future__ import annotations

import uuid

import pytest

from automations import rule_cache
from automations.services import rules as rule_service
from automations.services import running
from inbox.adapters import InboundMessage
from inbox.models import Message
from inbox.services import create_channel, ingest
from inbox.services.contact_book import upsert_contact
from inbox.services.templates.save import save_template
from workspace_settings.models import AttributeType, ContactAttributeDefinition

PHONE = "+14155550142"


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    rule_cache.clear()
    yield
    rule_cache.clear()


@pytest.fixture
def sms_channel(workspace):
    from channels_sms import sandbox

    return create_channel(
        workspace, kind="sms", name="Support SMS", config=sandbox.channel_config("+14155550100")
    )


@pytest.fixture
def balance_attribute(workspace):
    return ContactAttributeDefinition.objects.create(
        workspace=workspace, key="balance", label="Balance", type=AttributeType.NUMBER
    )


@pytest.fixture
def customer(workspace, balance_attribute):
    contact, _ = upsert_contact(
        workspace, phone=PHONE, name="Ana López", attributes={"balance": 1234.5}, source="api"
    )
    return contact


def template(workspace, actor, name: str, content: dict):
    return save_template(workspace=workspace, actor=actor, name=name, content=content)


@pytest.fixture
def dialog_templates(workspace, admin_user, balance_attribute):
    """Balance (chips: pay, agent), pay (chips: confirm, no), confirmation, hand-off."""
    chip = lambda text, postback: {"type": "reply", "text": text, "postback": postback}  # noqa: E731
    return {
        "balance": template(
            workspace, admin_user, "Balance",
            {"type": "text", "text": "Hola {{first_name}}, tu saldo es {{balance}}.",
             "suggestions": [chip("Pagar", "PAY"), chip("Hablar con un agente", "AGENT")]},
        ),
        "pay": template(
            workspace, admin_user, "Pay",
            {"type": "text", "text": "¿Confirmas el pago de {{balance}}?",
             "suggestions": [chip("Confirmar", "PAY_CONFIRM"), chip("No, gracias", "PAY_NO")]},
        ),
        "confirmation": template(
            workspace, admin_user, "Confirmation",
            {"type": "text", "text": "Listo {{first_name}}, pago registrado. ¡Gracias!"},
        ),
        "handoff": template(
            workspace, admin_user, "Hand-off",
            {"type": "text", "text": "Te comunico con una persona de nuestro equipo."},
        ),
    }  # fmt: skip


def make_rule(workspace, actor, **data):
    data.setdefault("name", f"rule {uuid.uuid4().hex[:6]}")
    return rule_service.create_rule(workspace=workspace, actor=actor, data=data)


@pytest.fixture
def dialog_rules(workspace, admin_user, dialog_templates):
    """The balance / pay / agent dialog: keywords and the chips' postbacks."""
    t = dialog_templates
    reply = lambda key: {"type": "reply", "template_id": t[key].pk}  # noqa: E731
    return [
        make_rule(workspace, admin_user, name="Balance", trigger="keyword",
                  trigger_value="saldo\nbalance", actions=[reply("balance")]),
        make_rule(workspace, admin_user, name="Pay", trigger="keyword",
                  trigger_value="pagar", actions=[reply("pay")]),
        make_rule(workspace, admin_user, name="Confirm", trigger="postback",
                  trigger_value="PAY_CONFIRM",
                  actions=[reply("confirmation"), {"type": "resolve"}]),
        make_rule(workspace, admin_user, name="Agent", trigger="postback",
                  trigger_value="AGENT", actions=[reply("handoff"), {"type": "hand_off"}]),
        make_rule(workspace, admin_user, name="Agent words", trigger="keyword",
                  trigger_value="agente, persona",
                  actions=[reply("handoff"), {"type": "hand_off"}]),
    ]  # fmt: skip


def candidates(message: Message) -> list[int]:
    """What the receiver decides for `message`, in memory."""
    rules = rule_cache.rules_for(message.workspace_id)
    return rules.candidates(message.content, message.text, channel_id=message.channel_id)


def inbound(channel, content: dict | str, *, phone: str = PHONE, run: bool = True):
    """The customer's message applied (as a worker applies webhook events); then, with
    `run`, the matching and the run the task would do. Returns (message, outcome)."""
    if isinstance(content, str):
        content = {"type": "text", "text": content}
    event = InboundMessage(
        provider_message_id=f"SM{uuid.uuid4().hex}",
        sender=phone,
        recipient=channel.config.get("phone_number", ""),
        content=content,
        text=str(content.get("text", "")),
    )
    (message,) = ingest(channel, [event])
    message.refresh_from_db()
    outcome = None
    if run:
        found = candidates(message)
        outcome = running.run_for_message(str(message.pk), found) if found else "no candidates"
    return message, outcome


def bot_messages(conversation) -> list[Message]:
    return list(
        Message.objects.filter(conversation=conversation, author="bot").order_by("created_at", "pk")
    )


@pytest.fixture
def customer_for(workspace, balance_attribute):
    """A contact at `phone` with a balance (for the end-to-end dialogs)."""

    def make(phone: str):
        contact, _ = upsert_contact(
            workspace, phone=phone, name="Ana López", attributes={"balance": 1234.5}, source="api"
        )
        return contact

    return make
