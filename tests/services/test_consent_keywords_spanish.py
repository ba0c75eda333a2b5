"""Consent keywords per language and per channel (inbox/services/consent_vocabulary.py and
consent_keyword_match.py): Spanish words however typed, confirmations in the customer's
language, an admin's own lists, and the one confirmation an opted-out customer gets."""

from __future__ import annotations

import pytest

from inbox.adapters import InboundMessage
from inbox.models import Consent, Direction, Message
from inbox.services import SendRejected, deliver, ingest, send_message
from inbox.services.consent_vocabulary import match_keyword, normalize

CUSTOMER = "+5215512345678"


def text_in(pid, text, kind="text"):
    content = {"type": kind, "text": text}
    return InboundMessage(
        provider_message_id=pid, sender=CUSTOMER, recipient="+15550001", content=content, text=text
    )


@pytest.fixture
def spanish_channel(channel):
    from django.core.cache import cache

    channel.workspace.language = "es"
    channel.workspace.save(update_fields=["language"])
    cache.delete(f"workspace-notes-language:{channel.workspace_id}")
    return channel


def _consent():
    return Consent.objects.filter(address=CUSTOMER).first()


def _outbound():
    return list(Message.objects.filter(direction=Direction.OUTBOUND).order_by("created_at"))


@pytest.mark.parametrize(
    ("typed", "word"),
    [("bája", "BAJA"), ("Baja.", "BAJA"), ("¡ALTO!", "ALTO"), ("  alta ", "ALTA"), ("Sí", "SI")],
)
def test_normalize_ignores_case_accents_and_punctuation(typed, word):
    assert normalize(typed) == word


@pytest.mark.parametrize(
    ("typed", "action"),
    [
        ("bája", "opt_out"),
        ("Baja.", "opt_out"),
        ("ALTO", "opt_out"),
        ("cancelar", "opt_out"),
        ("Detener!", "opt_out"),
        ("fin", "opt_out"),
        ("alta", "opt_in"),
        ("Inicio", "opt_in"),
        ("sí", "opt_in"),
        ("AYUDA?", "help"),
        ("stop", "opt_out"),
    ],
)
def test_default_keywords_in_both_languages(channel, typed, action):
    assert match_keyword(channel, typed).action == action


def test_a_sentence_is_not_a_keyword(channel):
    assert match_keyword(channel, "baja por favor") is None
    assert match_keyword(channel, "bajar") is None


@pytest.mark.django_db
def test_spanish_opt_out_records_and_confirms_in_spanish(spanish_channel, adapter, agent):
    conversation = ingest(spanish_channel, [text_in("IN1", "hola")])[0].conversation
    ingest(spanish_channel, [text_in("IN2", "Bája.")])
    consent = _consent()
    assert consent.opted_out and consent.keyword == "BAJA" and consent.source == "keyword"
    [notice] = _outbound()
    assert notice.text.startswith("No recibirás más mensajes de Rec")
    assert "ALTA" in notice.text
    # Queued before the opt-out, sent after it: the one message that may still go out.
    assert deliver(str(notice.pk)) == "sent"
    assert adapter.sent[-1]["content"]["text"] == notice.text
    note = Message.objects.get(direction=Direction.INTERNAL)
    assert note.text.startswith("Dado de baja: el cliente envió BAJA.")  # the team's language
    with pytest.raises(SendRejected):
        send_message(conversation, {"type": "text", "text": "¿sigues ahí?"}, user=agent)
    ordinary = Message.objects.create(
        workspace=conversation.workspace,
        conversation=conversation,
        channel=spanish_channel,
        direction=Direction.OUTBOUND,
        content={"type": "text", "text": "promo"},
        text="promo",
        status="queued",
    )
    assert deliver(str(ordinary.pk)) == "failed"


@pytest.mark.django_db
def test_opt_in_word_only_counts_after_an_opt_out(spanish_channel):
    ingest(spanish_channel, [text_in("IN1", "Sí")])
    assert _consent() is None  # an answer to a question, not a keyword
    assert _outbound() == []
    ingest(spanish_channel, [text_in("IN2", "ALTO")])
    ingest(spanish_channel, [text_in("IN3", "alta")])
    assert _consent().opted_out is False
    confirmation = _outbound()[-1]
    assert confirmation.text.startswith("Estás suscrito de nuevo a Rec")


@pytest.mark.django_db
def test_replayed_keyword_is_applied_once(spanish_channel):
    ingest(spanish_channel, [text_in("IN1", "baja")])
    ingest(spanish_channel, [text_in("IN1", "baja")])
    assert len(_outbound()) == 1


@pytest.mark.django_db
def test_tapped_suggestion_is_not_a_keyword(spanish_channel):
    ingest(spanish_channel, [text_in("IN1", "Cancelar", kind="suggestion_response")])
    assert _consent() is None


@pytest.mark.django_db
def test_contact_language_overrides_the_channel(channel):
    # An English channel; this customer is marked Spanish-speaking.
    conversation = ingest(channel, [text_in("IN1", "hello")])[0].conversation
    contact = conversation.contact
    contact.language = "es"
    contact.save(update_fields=["language"])
    ingest(channel, [text_in("IN2", "STOP")])
    assert _outbound()[-1].text.startswith("No recibirás más mensajes")


@pytest.mark.django_db
def test_english_channel_confirms_in_english(channel):
    ingest(channel, [text_in("IN1", "stop!")])
    assert _outbound()[-1].text.startswith("You will receive no more messages from Rec")


@pytest.mark.django_db
def test_admin_edited_keywords_replace_a_language_list(spanish_channel):
    spanish_channel.config = {
        **spanish_channel.config,
        "consent_keywords": {"es": {"opt_out": ["PARAR"], "opt_in": [], "help": []}},
    }
    spanish_channel.save(update_fields=["config"])
    assert match_keyword(spanish_channel, "baja") is None
    assert match_keyword(spanish_channel, "Parár").action == "opt_out"
    assert match_keyword(spanish_channel, "STOP").action == "opt_out"  # English untouched


@pytest.mark.django_db
def test_channel_language_setting_and_own_texts(channel):
    channel.config = {
        **channel.config,
        "customer_language": "es",
        "customer_texts": {"es": {"opt_out": "Listo, te dimos de baja."}},
    }
    channel.save(update_fields=["config"])
    ingest(channel, [text_in("IN1", "BAJA")])
    assert _outbound()[-1].text == "Listo, te dimos de baja."
