"""Whether an agent replied inside a resolution's stretch, stored on the sample.

The "who resolved it" table probed each resolution's thread for an agent's reply on every
page view: one index probe per resolution in the period (14,000 for 30 days at the
dashboards bench's size, ~45 ms of a 300 ms page on a 2-core AMD EPYC, the page's largest
query). The roll-up now answers it once when it writes the sample (and again when a day
inside the stretch is recomputed: dashboards.rollup.samples.mark_agent_replies); the page
counts a column. The samples already stored get their answer here, with the same probe
the page used (the partial index of agents' replies, migration 0005). The column has a
database default so a roll-up still running the previous code during a deploy can insert.
"""

from django.db import migrations, models

BACKFILL = """
UPDATE dashboards_resolutionsample r SET agent_replied = true
WHERE EXISTS (
    SELECT 1 FROM inbox_message m
    WHERE m.conversation_id = r.conversation_id AND m.direction = 'outbound'
      AND m.author = 'agent' AND m.created_at >= r.started_at AND m.created_at <= r.resolved_at
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0005_message_reply_author_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="resolutionsample",
            name="agent_replied",
            field=models.BooleanField(default=False, db_default=False),
        ),
        migrations.RunSQL(sql=BACKFILL, reverse_sql=migrations.RunSQL.noop),
    ]
