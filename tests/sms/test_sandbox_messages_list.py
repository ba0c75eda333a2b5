"""The sandbox's Messages list (GET Messages.json), as Twilio's: filtered by To, From and
the day sent, newest first, paged, behind the account's Basic auth. The inbox reads it to
settle a send whose answer was lost (channels_sms/reconcile.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels_sms import sandbox
from inbox import services

from .conftest import OUR_NUMBER

OTHER = "+14155550122"
CUSTOMER = "+14155550133"


@pytest.fixture
def account(workspace, django_http, settings):
    channel = services.create_channel(
        workspace, kind="sms", name="SMS", config=sandbox.channel_config(OUR_NUMBER)
    )
    sid, token = channel.config["account_sid"], channel.secrets["auth_token"]
    sandbox.set_controls(sid, callbacks="manual")
    base = f"{sandbox.api_base_url()}/2010-04-01/Accounts/{sid}/Messages.json"

    def send(to: str, body: str) -> dict:
        form = {"To": to, "From": OUR_NUMBER, "Body": body}
        answer = django_http.post(base, data=form, auth=(sid, token))
        assert answer.status_code == 201, answer.text
        return answer.json()

    def listing(**params):
        return django_http.get(base, params=params, auth=(sid, token))

    yield send, listing, sid
    sandbox.reset(sid)


def test_list_filters_by_to_and_from_newest_first(account):
    send, listing, _sid = account
    first, _other, last = send(CUSTOMER, "one"), send(OTHER, "two"), send(CUSTOMER, "three")
    page = listing(To=CUSTOMER, From=OUR_NUMBER)
    assert page.status_code == 200
    sids = [m["sid"] for m in page.json()["messages"]]
    assert sids[:2] == [last["sid"], first["sid"]]
    assert all(m["to"] == CUSTOMER for m in page.json()["messages"])
    assert listing(To=CUSTOMER, From=OTHER).json()["messages"] == []


def test_list_pages(account):
    send, listing, _sid = account
    for n in range(3):
        send(CUSTOMER, f"page {n}")
    first = listing(To=CUSTOMER, PageSize=2).json()
    assert len(first["messages"]) == 2 and first["next_page_uri"]
    assert first["page_size"] == 2 and first["previous_page_uri"] is None


def test_list_by_day_sent_sees_only_sent_messages(account):
    """date_sent is null until the message is sent (Twilio's filter reads it)."""
    send, listing, _sid = account
    message = send(CUSTOMER, "dated")
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    assert message["sid"] not in {
        m["sid"] for m in listing(**{"DateSent>": today}).json()["messages"]
    }
    sandbox.fire_callbacks(message["sid"], client=None)  # sent, then delivered
    listed = listing(To=CUSTOMER, **{"DateSent>": today}).json()["messages"]
    assert message["sid"] in {m["sid"] for m in listed}
    assert all(m["date_sent"] for m in listed)


def test_list_needs_the_accounts_credentials(account, django_http):
    send, _listing, sid = account
    send(CUSTOMER, "private")
    url = f"{sandbox.api_base_url()}/2010-04-01/Accounts/{sid}/Messages.json"
    assert django_http.get(url, auth=(sid, "f" * 32)).status_code == 401
    assert django_http.get(url).status_code == 401
