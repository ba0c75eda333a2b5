"""The phone page and its fragment without sending anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from channels_sms.sandbox import magic
from inbox import services

from .conftest import HTMX


@pytest.mark.django_db
def test_page_lists_sandbox_businesses_and_numbers_to_try(client, offline_business, workspace):
    services.create_channel(
        workspace,
        kind="sms",
        name="Real Twilio",
        config={
            "account_sid": "AC" + "0" * 32,
            "auth_token": "t",
            "from_number": "+14155550177",
            "api_base_url": "https://api.twilio.com",
        },
    )
    response = client.get(reverse("simulator-phone"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Offline · +14155550199" in html
    assert "Real Twilio" not in html  # its replies would go to a real handset
    for testid in ("phone-number", "phone-compose", "phone-send"):
        assert f'data-testid="{testid}"' in html
    assert "vendor/htmx.org/dist/htmx.min.js" in html
    assert 'hx-trigger="every 1s' in html
    # Every magic number is offered, with what it does to a reply.
    for number in magic.NUMBERS:
        assert number in html
    assert "Replies are refused: unsubscribed (recipient replied STOP) (21610)." in html
    assert "unreachable handset (phone off or out of coverage) (30003)" in html


@pytest.mark.django_db
def test_page_with_a_bad_number_says_what_is_wrong(client, offline_business):
    response = client.get(reverse("simulator-phone"), {"number": "12ab"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert "Start with + and the country code, e.g. +14155550111." in html


@pytest.mark.django_db
def test_the_thread_of_a_new_number_is_empty_and_names_the_business(client, offline_business):
    response = client.get(
        reverse("simulator-thread"),
        {"number": "+1 415 555 0142", "channel": offline_business.pk},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="phone-message"' not in html
    assert "No messages with Acme Offline (+14155550199) yet" in html
    assert response["HX-Replace-Url"] == (
        f"{reverse('simulator-phone')}?number=%2B14155550142&channel={offline_business.pk}"
    )


@pytest.mark.django_db
def test_the_address_bar_is_only_rewritten_when_the_conversation_changes(client, offline_business):
    url = f"{reverse('simulator-phone')}?number=%2B14155550142&channel={offline_business.pk}"
    query = {"number": "+14155550142", "channel": offline_business.pk}
    same = client.get(
        reverse("simulator-thread"), query, HTTP_HX_CURRENT_URL="http://testserver" + url, **HTMX
    )
    assert "HX-Replace-Url" not in same
    other = client.get(
        reverse("simulator-thread"),
        query,
        HTTP_HX_CURRENT_URL="http://testserver/sandbox/phone/",
        **HTMX,
    )
    assert other["HX-Replace-Url"] == url


@pytest.mark.django_db
def test_the_thread_of_an_incomplete_number_asks_for_one(client, offline_business):
    response = client.get(
        reverse("simulator-thread"), {"number": "+1", "channel": offline_business.pk}, **HTMX
    )
    assert response.status_code == 200
    assert "Enter your phone number and pick a business" in response.content.decode()
    assert "HX-Replace-Url" not in response


@pytest.mark.django_db
def test_a_channel_off_the_sandbox_cannot_be_picked(client, offline_business, workspace):
    offline_business.is_active = False
    offline_business.save(update_fields=["is_active"])
    response = client.post(
        reverse("simulator-send"),
        {"number": "+14155550142", "channel": offline_business.pk, "body": "hi"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "That business is not on the SMS sandbox." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "simulator-phone"), ("get", "simulator-thread"), ("post", "simulator-send")],
)
def test_everything_is_404_when_the_sandbox_is_disabled(client, settings, method, name):
    settings.SMS_SANDBOX_ENABLED = False
    data = {"number": "+14155550142", "channel": "1", "body": "hi"}
    response = getattr(client, method)(reverse(name), data)
    assert response.status_code == 404
