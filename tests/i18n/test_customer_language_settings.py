"""Admins choose a channel's customer language and edit its consent keywords per language;
agents set a contact's own language (inbox/adapters/config_form.py, contact edit form)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_sms import sandbox
from inbox import services
from inbox.content.render import render_text
from inbox.models import AuditEntry, Contact
from inbox.services.consent_vocabulary import match_keyword
from inbox.services.customer_language import with_customer_language
from inbox.services.customer_texts import customer_text


@pytest.fixture
def sms(live_settings, workspace):
    channel = services.create_channel(
        workspace, kind="sms", name="Soporte", config=sandbox.channel_config("+525500000001")
    )
    yield channel
    sandbox.reset(channel.config["account_sid"])


def _form(client, workspace, channel):
    url = reverse("wsettings:channel_edit", args=[workspace.slug, channel.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    form = page.context["form"]
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value not in (None, False):
            data[name] = value
    return url, data


@pytest.mark.django_db
def test_admin_sets_customer_language_and_spanish_keywords(client, admin_user, workspace, sms):
    client.force_login(admin_user)
    url, data = _form(client, workspace, sms)
    assert data["keywords_es_opt_out"] == "BAJA, ALTO, CANCELAR, DETENER, FIN"
    data.update(customer_language="es", keywords_es_opt_out="baja, Párale")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sms.refresh_from_db()
    assert sms.config["customer_language"] == "es"
    assert sms.config["consent_keywords"]["es"]["opt_out"] == ["BAJA", "PARALE"]
    assert match_keyword(sms, "¡párale!").action == "opt_out"
    assert match_keyword(sms, "ALTO") is None
    assert sms.config["account_sid"]  # the provider settings are kept


@pytest.mark.django_db
def test_admin_writes_the_confirmations_and_help_reply_per_language(
    client, admin_user, workspace, sms
):
    sms.config["customer_texts"] = {"es": {"out_of_hours": "Volvemos a las 9."}}
    sms.save(update_fields=["config"])
    client.force_login(admin_user)
    url, data = _form(client, workspace, sms)
    assert data.get("texts_es_opt_out", "") == ""
    data.update(texts_es_opt_out="Listo, ya no te escribiremos.", texts_es_help="Llama al 800")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    sms.refresh_from_db()
    texts = sms.config["customer_texts"]
    assert texts["es"] == {
        "out_of_hours": "Volvemos a las 9.",  # the hours page's text is kept
        "opt_out": "Listo, ya no te escribiremos.",
        "help": "Llama al 800",
    }
    assert customer_text(sms, "opt_out", "es") == "Listo, ya no te escribiremos."
    assert customer_text(sms, "help", "es") == "Llama al 800"
    # English was left blank: the catalog's wording, naming the channel.
    assert "Soporte" in customer_text(sms, "opt_out", "en")
    # Cleared again: back to the standard wording.
    url, data = _form(client, workspace, sms)
    assert data["texts_es_opt_out"] == "Listo, ya no te escribiremos."
    data["texts_es_opt_out"] = ""
    assert client.post(url, data).status_code == 302
    sms.refresh_from_db()
    assert "opt_out" not in sms.config["customer_texts"]["es"]
    assert "Soporte" in customer_text(sms, "opt_out", "es")


@pytest.mark.django_db
def test_agent_sets_a_contacts_language(client, agent, workspace, sms):
    contact = Contact.objects.create(workspace=workspace, name="Ana")
    client.force_login(agent)
    url = reverse("wsettings:contact_edit", args=[workspace.slug, contact.pk])
    response = client.post(url, {"name": "Ana", "email": "", "language": "es"})
    assert response.status_code in (200, 302)
    contact.refresh_from_db()
    assert contact.language == "es"
    # Personal data: the change is in the audit log, with the language before and after.
    entry = AuditEntry.objects.filter(action="contact.updated", target_id=str(contact.pk)).get()
    assert (entry.before["language"], entry.after["language"]) == ("", "es")
    assert entry.actor == agent


@pytest.mark.django_db
def test_plain_phone_text_in_the_customers_language(workspace, sms):
    contact = Contact.objects.create(workspace=workspace, name="Ana", language="es")
    content = {
        "type": "text",
        "text": "¿Confirmas tu cita?",
        "suggestions": [{"type": "reply", "text": "Sí"}, {"type": "reply", "text": "No"}],
    }
    stamped = with_customer_language(content, contact, sms)
    assert stamped["language"] == "es"
    assert render_text(stamped).endswith("Responde 1 para Sí, 2 para No")
    english = Contact.objects.create(workspace=workspace, name="Bo", language="en")
    assert "language" not in with_customer_language(content, english, sms)
    assert render_text(content).endswith("Reply 1 for Sí, 2 for No")


@pytest.mark.django_db
def test_system_notes_in_the_workspaces_language(workspace, agent, sms):
    from django.core.cache import cache

    from inbox.adapters import InboundMessage
    from inbox.models import Message
    from inbox.services.assignment import assign
    from inbox.services.conversation_status import change_status

    workspace.language = "es"
    workspace.save(update_fields=["language"])
    cache.delete(f"workspace-notes-language:{workspace.pk}")
    agent.first_name = "Ana"
    agent.save(update_fields=["first_name"])
    message = services.ingest(
        sms,
        [
            InboundMessage(
                provider_message_id="SMnote1",
                sender="+525512340009",
                recipient="",
                content={"type": "text", "text": "hola"},
                text="hola",
            )
        ],
    )[0]
    conversation = message.conversation
    assign(conversation, actor=agent, assignee=agent)
    change_status(conversation, "resolved", actor=agent)
    notes = list(
        Message.objects.filter(conversation=conversation, author="system")
        .order_by("created_at", "pk")
        .values_list("text", flat=True)
    )
    assert notes[-2:] == ["Ana tomó esta conversación.", "Resuelta por Ana."]
