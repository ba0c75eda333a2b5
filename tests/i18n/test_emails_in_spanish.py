"""Emails speak their reader's language: an invitation the workspace's (the invitee has no
account yet), a password reset the language the request was made in."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from members.services.invitations import create_invitation


@pytest.mark.django_db(transaction=True)
def test_invitation_from_a_spanish_workspace_is_in_spanish(workspace, admin_user):
    workspace.language = "es"
    workspace.save(update_fields=["language"])
    create_invitation(workspace, admin_user, "nuevo@example.com", "agent")
    (message,) = mail.outbox
    assert message.subject == "Te invitaron a Acme"
    assert "te invitó a unirte a Acme como agente" in message.body
    assert "Si no esperabas esto, ignora este correo." in message.body


@pytest.mark.django_db
def test_password_reset_email_in_the_requests_language(client, agent):
    agent.email = "alice@example.com"
    agent.save(update_fields=["email"])
    client.post(
        reverse("password_reset"),
        {"email": "alice@example.com"},
        headers={"accept-language": "es-MX"},
    )
    (message,) = mail.outbox
    assert message.subject == "Restablece la contraseña de tu bandeja de entrada"
    assert "Elige una contraseña nueva aquí" in message.body
