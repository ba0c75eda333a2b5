"""Cross-site request forgery: a signed-in agent's browser posting from another site's page.

Django's test client skips CSRF checks unless asked; these tests ask, so a view that
opted out (csrf_exempt) or a middleware order that dropped the check shows up here.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from inbox.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def forged(agent) -> Client:
    """A browser that is signed in but posts without the page's CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    return client


def test_reply_without_token_is_refused_and_writes_nothing(forged, workspace, conversation):
    before = Message.objects.count()
    url = reverse("inbox:reply", args=[workspace.slug, conversation.id])

    response = forged.post(url, {"text": "forged reply"})

    assert response.status_code == 403
    assert Message.objects.count() == before


def test_note_without_token_is_refused(forged, workspace, conversation):
    before = Message.objects.count()
    url = reverse("inbox:note", args=[workspace.slug, conversation.id])

    response = forged.post(url, {"text": "forged note"})

    assert response.status_code == 403
    assert Message.objects.count() == before


def test_reply_with_the_pages_token_is_accepted(forged, workspace, conversation):
    """The refusal above is the token's doing, not a view that refuses everything."""
    page = forged.get(reverse("inbox:conversation", args=[workspace.slug, conversation.id]))
    token = page.cookies["csrftoken"].value
    url = reverse("inbox:reply", args=[workspace.slug, conversation.id])

    response = forged.post(url, {"text": "real reply"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code != 403
