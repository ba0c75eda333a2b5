"""A NUL typed or pasted into the search box or a note is dropped, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import Message
from inbox.services import search

from .fakes import inbound

LIST = "/w/acme/fragments/conversations/"


def test_search_with_a_nul_still_finds(agent_client, channel):
    parcel = inbound(channel, "+14155550101", "Where is my parcel?").conversation
    response = agent_client.get(LIST, {"q": "par\x00cel", "status": "all"})
    assert response.status_code == 200
    assert f'id="conv-{parcel.pk}"' in response.text


def test_search_query_is_made_storable():
    assert search.normalize("a\x00b  \ud800c") == "ab \ufffdc"


def test_note_with_a_nul_is_stored_without_it(agent_client, conversation):
    url = reverse("inbox:note", args=["acme", conversation.pk])
    response = agent_client.post(url, {"text": "call\x00 back", "mode": "note"})
    assert response.status_code in (200, 302)
    note = Message.objects.get(direction="internal")
    assert note.content["text"] == "call back"


@pytest.mark.parametrize("picker", ["merge_candidates", "canned", "mentions"])
def test_a_nul_in_a_pickers_box_is_not_a_500(picker, manager, client, conversation):
    """The merge, "/" and "@" pickers filter on what is typed, as the search box does."""
    client.force_login(manager)
    url = reverse(f"inbox:{picker}", args=["acme", conversation.pk])
    response = client.get(url, {"q": "al\x00ice"})
    assert response.status_code == 200
