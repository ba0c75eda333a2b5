"""Who may use the phone simulator: a signed-in member, for their own workspaces only.

The phone reads a business's sandbox threads and injects customer messages (STOP too)
into its inbox, so an anonymous visitor gets the login page and a member of one
workspace cannot pick, read or text another workspace's sandbox channel.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from channels_sms import sandbox
from inbox import services
from inbox.models import Contact, Message

from .conftest import HTMX

NUMBER = "+14155550142"


@pytest.fixture
def globex_business(settings, other_workspace):
    """Another tenant's SMS sandbox line, on the same installation."""
    settings.PUBLIC_BASE_URL = "http://sandbox.test"
    return services.create_channel(
        other_workspace,
        kind="sms",
        name="Globex Line",
        config=sandbox.channel_config("+14155550188"),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["simulator-phone", "simulator-thread"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(offline_business, name):
    response = Client().get(reverse(name), {"number": NUMBER, "channel": offline_business.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_anonymous_visitor_cannot_inject_a_message(offline_business):
    data = {"number": NUMBER, "channel": offline_business.pk, "body": "STOP"}
    response = Client().post(reverse("simulator-send"), data, **HTMX)
    assert response.status_code == 302
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_the_page_offers_only_the_members_own_workspaces(client, offline_business, globex_business):
    html = client.get(reverse("simulator-phone")).content.decode()
    assert "Acme Offline" in html
    assert "Globex Line" not in html
    assert "+14155550188" not in html


@pytest.mark.django_db
def test_another_workspaces_thread_cannot_be_read(client, globex_business, outsider):
    sandbox.store.log_to_handset(NUMBER, "SMsecret")
    sandbox.store.save_message(
        {
            "sid": "SMsecret",
            "account_sid": globex_business.config["account_sid"],
            "from": "+14155550188",
            "to": NUMBER,
            "body": "Your Globex one-time code is 991234",
            "status": "delivered",
            "date_created": "",
        }
    )
    query = {"number": NUMBER, "channel": globex_business.pk}
    # Its own member sees it, so the refusal below is about the workspace, not the data.
    own = Client()
    own.force_login(outsider)
    assert "991234" in own.get(reverse("simulator-thread"), query, **HTMX).content.decode()

    html = client.get(reverse("simulator-thread"), query, **HTMX).content.decode()
    assert "991234" not in html
    assert "Globex" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["Hello from a stranger", "STOP"])
def test_another_workspaces_business_cannot_be_texted(client, globex_business, body):
    data = {"number": NUMBER, "channel": globex_business.pk, "body": body}
    response = client.post(reverse("simulator-send"), data, **HTMX)
    assert response.status_code == 422
    assert "That business is not on the SMS sandbox." in response.content.decode()
    assert not Message.objects.exists()
    assert not Contact.objects.filter(workspace=globex_business.workspace).exists()
    # Nothing reached the sandbox either: no opt-out recorded, nothing on the phone.
    assert sandbox.store.blocked(globex_business.config["account_sid"]) == []
    account = globex_business.config["account_sid"]
    assert [m for m in sandbox.handset_messages(NUMBER) if m["account_sid"] == account] == []


@pytest.mark.django_db
def test_a_deactivated_member_sees_no_business(client, agent, offline_business):
    agent.memberships.update(is_active=False)
    html = client.get(reverse("simulator-phone")).content.decode()
    assert "Acme Offline" not in html


@pytest.mark.django_db
def test_a_member_with_two_factor_passes_it_before_the_phone_opens(agent, offline_business):
    """The phone reads threads, so the second factor gates it as it gates the inbox."""
    from tests.members.conftest import confirmed_device

    confirmed_device(agent)
    browser = Client()
    browser.force_login(agent)  # password only: no code yet
    response = browser.get(reverse("simulator-phone"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("members:two_factor_verify"))
