"""The balance / pay / agent dialog end to end, with the real parts: signed webhooks into
the ASGI server, the inbound worker applying them, the automations task in a real Celery
worker, replies through the outbox to the RCS sandbox (chip taps) and to its SMS
fallback line (numbered options typed back)."""

from __future__ import annotations

import json
import random

import pytest

from automations.models import AutomationHold, AutomationRun
from channels_rcs.sandbox import api as rcs_api
from channels_rcs.sandbox import events as rcs_events
from channels_sms import sandbox as sms_sandbox
from inbox import services
from inbox.models import Message
from tests.rcs.conftest import make_rcs_channel
from tests.support.waiting import eventually

pytestmark = pytest.mark.worker


def _phone(*, rcs_capable: bool) -> str:
    """A fresh number (the sandboxes' handset logs outlive a test); RBM's sandbox treats
    numbers ending in an even digit as RCS-capable."""
    middle = random.randrange(100, 999)
    last = random.choice("02468" if rcs_capable else "13579")
    return f"+1415555{middle}{last}"


@pytest.fixture
def lines(asgi_server, live_settings, celery_worker, workspace):
    sms = services.create_channel(
        workspace, kind="sms", name="SMS line",
        config=sms_sandbox.channel_config(f"+1415555{random.randrange(1000, 9999)}"),
    )  # fmt: skip
    rcs = make_rcs_channel(workspace, fallback_channel=sms.pk)
    yield rcs, sms
    sms_sandbox.reset(sms.config["account_sid"])


def _bot_replies(conversation_id: int, n: int) -> list[Message]:
    def settled():
        rows = list(
            Message.objects.filter(conversation_id=conversation_id, author="bot")
            .exclude(status__in=("queued", "sending"))
            .order_by("created_at", "pk")
        )
        return rows if len(rows) >= n else None

    return eventually(settled, timeout=45, what=f"{n} bot replies delivered by the worker")


def _inbound(channel, text: str) -> Message:
    return eventually(
        lambda: (
            Message.objects.filter(channel=channel, direction="inbound", text=text)
            .order_by("-created_at")
            .first()
        ),
        what=f"the customer's {text!r} applied by the worker",
    )


def test_rcs_chip_taps(lines, customer_for, dialog_rules):
    rcs, _sms = lines
    phone = _phone(rcs_capable=True)
    customer_for(phone)

    status, mid = rcs_events.simulate_user_message(rcs, phone, "¿Cuál es mi SÁLDO?")
    assert status == 200
    conversation = eventually(
        lambda: Message.objects.filter(provider_message_id=mid).first(), what="saldo applied"
    ).conversation
    (balance,) = _bot_replies(conversation.pk, 1)
    assert balance.channel == rcs and balance.fallback_from is None
    assert balance.content["text"] == "Hola Ana, tu saldo es 1,234.50."
    on_phone = [m for m in rcs_api.handset_view(phone) if m["direction"] == "outbound"]
    chips = on_phone[-1]["body"]["contentMessage"]["suggestions"]
    assert [c["reply"]["postbackData"] for c in chips] == ["PAY", "AGENT"]

    tap = {"type": "suggestion_response", "text": "Pagar", "postback": "PAY"}
    assert rcs_events.simulate_user_message(rcs, phone, tap)[0] == 200
    pay = _bot_replies(conversation.pk, 2)[-1]
    assert pay.content["text"] == "¿Confirmas el pago de 1,234.50?"

    tap = {"type": "suggestion_response", "text": "Confirmar", "postback": "PAY_CONFIRM"}
    assert rcs_events.simulate_user_message(rcs, phone, tap)[0] == 200
    confirmation = _bot_replies(conversation.pk, 3)[-1]
    assert confirmation.content["text"] == "Listo Ana, pago registrado. ¡Gracias!"
    eventually(
        lambda: type(conversation).objects.filter(pk=conversation.pk, status="resolved").exists(),
        what="the conversation resolved by the rule",
    )

    tap = {"type": "suggestion_response", "text": "Hablar con un agente", "postback": "AGENT"}
    assert rcs_events.simulate_user_message(rcs, phone, tap)[0] == 200
    handoff = _bot_replies(conversation.pk, 4)[-1]
    assert handoff.content["text"] == "Te comunico con una persona de nuestro equipo."
    eventually(
        lambda: AutomationHold.objects.filter(conversation=conversation).exists(),
        what="the hand-off",
    )
    names = AutomationRun.objects.filter(conversation=conversation).order_by("created_at")
    assert [r.rule.name for r in names] == ["Balance", "Pay", "Confirm", "Agent"]


def test_sms_fallback_numbered_options(lines, customer_for, dialog_rules):
    _rcs, sms = lines
    phone = _phone(rcs_capable=False)
    customer_for(phone)

    assert sms_sandbox.simulate_inbound(sms, phone, "saldo").status_code == 200
    conversation = _inbound(sms, "saldo").conversation
    (balance,) = _bot_replies(conversation.pk, 1)
    assert balance.channel == sms
    assert balance.text == (
        "Hola Ana, tu saldo es 1,234.50.\nReply 1 for Pagar, 2 for Hablar con un agente"
    )
    bodies = [m["body"] for m in sms_sandbox.handset_messages(phone)]
    assert balance.text in bodies

    assert sms_sandbox.simulate_inbound(sms, phone, "1").status_code == 200
    one = _inbound(sms, "1")
    assert one.content["postback"] == "PAY"
    pay = _bot_replies(conversation.pk, 2)[-1]
    assert pay.text.startswith("¿Confirmas el pago de 1,234.50?")
    assert "Reply 1 for Confirmar, 2 for No, gracias" in pay.text

    assert sms_sandbox.simulate_inbound(sms, phone, "1").status_code == 200
    confirmation = _bot_replies(conversation.pk, 3)[-1]
    assert confirmation.text == "Listo Ana, pago registrado. ¡Gracias!"
    assert confirmation.text in [m["body"] for m in sms_sandbox.handset_messages(phone)]

    # The customer is back and asks for a person, in words.
    assert (
        sms_sandbox.simulate_inbound(sms, phone, "Quiero hablar con un AGÉNTE").status_code == 200
    )
    handoff = _bot_replies(conversation.pk, 4)[-1]
    assert handoff.text == "Te comunico con una persona de nuestro equipo."
    eventually(
        lambda: AutomationHold.objects.filter(conversation=conversation).exists(),
        what="the hand-off",
    )


def test_stop_is_never_answered(lines, customer_for, dialog_rules, workspace, admin_user):
    from .conftest import make_rule

    _rcs, sms = lines
    make_rule(workspace, admin_user, trigger="new_conversation", actions=[{"type": "resolve"}])
    phone = _phone(rcs_capable=False)
    customer_for(phone)
    assert sms_sandbox.simulate_inbound(sms, phone, "hola").status_code == 200
    first = _inbound(sms, "hola")
    eventually(lambda: AutomationRun.objects.filter(message=first).exists(), what="the first run")
    assert sms_sandbox.simulate_inbound(sms, phone, "START").status_code == 200
    start = _inbound(sms, "START")
    assert sms_sandbox.simulate_inbound(sms, phone, "saldo").status_code == 200
    _bot_replies(first.conversation_id, 1)  # "saldo", sent after START, was answered...
    assert not AutomationRun.objects.filter(message=start).exists()  # ...START never was
    assert json.dumps(start.content)  # and START is in the inbox like any message
