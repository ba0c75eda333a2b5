"""Covering indexes for a campaign's funnel (inbox.selectors.campaign_funnel), so the
page computes it from the rows on every load at 100,000 recipients:

- msg_campaign_funnel: a campaign's messages in id order with every column the funnel
  and the live progress read (channel, status, fallback, status times, hold);
- campaign_recipient_funnel: its recipients in message order with their arm and
  exclusion, so the two merge index-only, without a hash of the whole audience;
- consent_opted_out_since: the workspace's opt-outs since the campaign began.

CONCURRENTLY, so adding them to a live installation does not block sends or receipts;
that requires a non-atomic migration.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0017_contact_language"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="campaignrecipient",
            index=models.Index(
                fields=["campaign", "message"],
                include=["id", "arm", "excluded"],
                name="campaign_recipient_funnel",
            ),
        ),
        AddIndexConcurrently(
            model_name="consent",
            index=models.Index(
                condition=models.Q(opted_out=True),
                fields=["workspace", "changed_at"],
                name="consent_opted_out_since",
            ),
        ),
        AddIndexConcurrently(
            model_name="message",
            index=models.Index(
                condition=models.Q(campaign__isnull=False),
                fields=["campaign", "id"],
                include=[
                    "channel",
                    "status",
                    "fallback_from",
                    "sent_at",
                    "delivered_at",
                    "read_at",
                    "not_before",
                ],
                name="msg_campaign_funnel",
            ),
        ),
    ]
