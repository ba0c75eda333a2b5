"""The expansion reads what is the same for a whole chunk once, not once per recipient."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox.models import CampaignRecipient, ExclusionReason
from inbox.services.campaigns.control import launch_campaign
from inbox.services.campaigns.expansion import MORE, expand_chunk
from inbox.services.consent import record_consent

from .conftest import make_contact, new_campaign


def _queries_on(captured, table: str) -> int:
    return sum(1 for q in captured if f'FROM "{table}"' in q["sql"])


def test_a_chunk_reads_the_opt_out_ledger_and_the_judged_rows_once(
    workspace, admin_user, reminder, sms_channel, settings
):
    settings.CAMPAIGN_CHUNK_SIZE = 8
    contacts = [make_contact(workspace, n) for n in range(8)]
    record_consent(
        sms_channel, contacts[3].identities.get().value, opted_out=True, source="keyword"
    )
    campaign = new_campaign(workspace, admin_user, reminder, sms_channel, contacts)
    launch_campaign(campaign=campaign, actor=admin_user)
    with CaptureQueriesContext(connection) as captured:
        assert expand_chunk(campaign.pk) == MORE
    rows = CampaignRecipient.objects.filter(campaign=campaign)
    assert rows.count() == 8
    assert rows.get(contact=contacts[3]).excluded == ExclusionReason.OPTED_OUT
    assert rows.filter(message__isnull=False).count() == 7
    # The judge's one read of the ledger, plus the send checks' one for the chunk's
    # messages (outbox/bulk_enqueue.py: send_message's rules, read once per channel).
    assert _queries_on(captured.captured_queries, "inbox_consent") == 2
    # Which contacts were judged before: one read for the chunk.
    assert _queries_on(captured.captured_queries, "inbox_campaignrecipient") == 1
