"""Why a message failed or fell back is stored once, for the whole team, in the
workspace's language, whatever language the worker that decided it runs in; a
provider's own words are stored as they came."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

from channels_sms.errors import reason_for
from inbox.adapters import PermanentSendError, StatusUpdate
from inbox.adapters.events import to_record
from inbox.models import Message, MessageStatus
from inbox.services import send_message
from inbox.services.outbox import enqueue, reconcile
from inbox.services.outbox.claim import claim_batch
from inbox.services.outbox.settle import fail, give_back, settle
from inbox.services.statuses import apply_statuses

from ..conftest import CUSTOMER


@pytest.fixture(autouse=True)
def no_kicks(monkeypatch):
    monkeypatch.setattr(enqueue, "kick", lambda: None)


@pytest.fixture
def spanish(workspace):
    workspace.language = "es"
    workspace.save(update_fields=["language"])
    cache.clear()  # the workspace's language is remembered for a minute
    return workspace


def _sending(conversation) -> Message:
    message = send_message(conversation, {"type": "text", "text": "hola"})
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, attempts=1)
    return message


@pytest.mark.django_db(transaction=True)
def test_a_fallback_is_explained_in_the_workspace_language(
    spanish, rich_conversation, rich, adapter
):
    adapter.unreachable.add(CUSTOMER)
    message = send_message(rich_conversation, {"type": "text", "text": "hola"})
    with translation.override("en"):  # the worker's own language
        claim_batch(10)
    message.refresh_from_db()
    assert message.fallback_reason == "el número no es alcanzable por RCS"
    note = message.status_events.get(source="fallback").error_message
    assert note == "Se pasa a SMS: el número no es alcanzable por RCS"


@pytest.mark.django_db(transaction=True)
def test_failures_and_history_are_stored_in_the_workspace_language(
    spanish, rich_conversation, rich
):
    crashed, unknown, late = (_sending(rich_conversation) for _ in range(3))
    with translation.override("en"):
        settle(str(crashed.pk), RuntimeError("boom"), channel=rich, to=CUSTOMER)
        reconcile._fail_unknown(str(unknown.pk), "")
        give_back([late])
    crashed.refresh_from_db()
    assert crashed.error_message == "Error inesperado al enviar (RuntimeError)"
    unknown.refresh_from_db()
    assert unknown.error_message.startswith("Resultado desconocido:")
    assert unknown.status_events.get(status=MessageStatus.FAILED).error_message == (
        unknown.error_message
    )
    requeued = late.status_events.filter(status=MessageStatus.QUEUED).last()
    assert requeued.error_message.startswith("No enviado: demasiado tarde")


@pytest.mark.django_db(transaction=True)
def test_a_providers_own_words_are_stored_as_they_came(spanish, rich_conversation):
    message = _sending(rich_conversation)
    fail(str(message.pk), reason="The 'To' number is not a valid phone number.", code="21211")
    message.refresh_from_db()
    assert message.error_message == "The 'To' number is not a valid phone number."


@pytest.mark.django_db(transaction=True)
def test_an_english_workspace_reads_english(workspace, rich_conversation):
    cache.clear()
    message = _sending(rich_conversation)
    with translation.override("es"):  # a worker started in another language
        reconcile._fail_unknown(str(message.pk), "no lookup")
    message.refresh_from_db()
    assert message.error_message == (
        "Outcome unknown: the worker stopped during the provider call (no lookup)"
    )


@pytest.mark.django_db(transaction=True)
def test_a_channels_own_words_are_stored_in_the_workspace_language(
    spanish, rich_conversation, rich
):
    refused, reported = (_sending(rich_conversation) for _ in range(2))
    Message.objects.filter(pk=reported.pk).update(provider_message_id="SM1")
    with translation.override("en"):
        refusal = PermanentSendError(reason_for("21211"), code="21211")
        settle(str(refused.pk), refusal, channel=rich, to=CUSTOMER)
        report = StatusUpdate("SM1", MessageStatus.FAILED, error_code="30003",
                              error_message=reason_for("30003"))  # fmt: skip
        with transaction.atomic():  # the caller's, as the inbound apply holds one
            apply_statuses([(rich, report)])
    refused.refresh_from_db()
    assert refused.error_message == "número de destinatario no válido"
    reported.refresh_from_db()
    assert reported.error_message == "teléfono inalcanzable (apagado o sin cobertura)"
    event = reported.status_events.get(source="webhook")
    assert event.error_message == reported.error_message


def test_a_lazy_reason_in_a_webhook_event_waits_as_plain_text():
    """A delivery report's event is stored (as JSON) before any workspace reads it."""
    report = StatusUpdate("SM2", MessageStatus.FAILED, error_code="30003",
                          error_message=reason_for("30003"))  # fmt: skip
    _kind, data = to_record(report)
    assert json.loads(json.dumps(data))["error_message"] == (
        "unreachable handset (phone off or out of coverage)"
    )
