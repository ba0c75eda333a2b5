"""inbox.services.reachability against the RBM sandbox (the real RCS adapter over HTTP):
never-checked contacts first, a bounded batch, answers stored with their age."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from contacts.tasks import refresh_contact_reachability
from inbox.models import ContactReachability
from inbox.selectors.contact_filter import contacts_matching, parse_filter
from inbox.services import reachability
from inbox.services.contact_book import upsert_contact
from tests.rcs.conftest import make_rcs_channel


@pytest.fixture
def rcs(live_server, settings, workspace):
    settings.PUBLIC_BASE_URL = live_server.url
    return make_rcs_channel(workspace)


def test_refresh_asks_the_provider_in_bounded_batches_oldest_first(rcs, workspace, sms_channel):
    phones = ["+14155550100", "+14155550101", "+14155550102"]  # even: RCS-capable there
    contacts = [upsert_contact(workspace, phone=p, source="api")[0] for p in phones]
    assert reachability.lookup_channels() == [rcs]  # SMS has no capability lookup

    assert reachability.refresh_reachability(channel=rcs, limit=2) == 2
    assert reachability.refresh_reachability(channel=rcs, limit=2) == 1  # the never-checked one
    facts = {f.contact_id: f.reachable for f in ContactReachability.objects.all()}
    assert facts == {contacts[0].pk: True, contacts[1].pk: False, contacts[2].pk: True}
    assert reachability.refresh_reachability(channel=rcs, limit=2) == 0  # all fresh

    old = timezone.now() - datetime.timedelta(days=30)
    ContactReachability.objects.filter(contact=contacts[1]).update(checked_at=old)
    assert refresh_contact_reachability() == {rcs.pk: 1}
    assert ContactReachability.objects.get(contact=contacts[1]).checked_at > old

    capable = parse_filter(
        workspace=workspace, document={"rcs": {"state": "capable", "channel": rcs.pk}}
    )
    matched = contacts_matching(workspace=workspace, contact_filter=capable)
    assert sorted(matched.values_list("pk", flat=True)) == [contacts[0].pk, contacts[2].pk]
