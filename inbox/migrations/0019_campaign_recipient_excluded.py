"""The excluded recipients of a campaign, which its live progress counts on every frame:
a partial index holds only them (a few in a large audience) instead of a scan of every
recipient. CONCURRENTLY, as 0018, so a live installation keeps sending while it builds.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0018_campaign_funnel_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="campaignrecipient",
            index=models.Index(
                condition=~models.Q(excluded=""),
                fields=["campaign"],
                name="campaign_recipient_excluded",
            ),
        ),
    ]
