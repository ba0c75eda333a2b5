"""msg_campaign (a campaign's messages) is covered by msg_campaign_funnel, which leads
with the same column under the same condition: every lookup by campaign can use that
one, and each write of a campaign's message (queued, sending, sent: none of them a HOT
update, the funnel index holds the status) paid for an entry in both. CONCURRENTLY, as
0018, so a live installation keeps sending while it goes.
"""

from django.contrib.postgres.operations import RemoveIndexConcurrently
from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0019_campaign_recipient_excluded"),
    ]

    operations = [
        RemoveIndexConcurrently(model_name="message", name="msg_campaign"),
    ]
