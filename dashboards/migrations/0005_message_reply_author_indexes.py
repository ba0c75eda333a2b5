"""Indexes for the "who resolved it" table's two reads of the message history.

Whether an agent replied inside each resolution's stretch is one probe per resolution in
the period (about 14,000 for 30 days at the dashboards bench's size): on the thread index
each probe read the message rows to check the author, 0.5 s for the page on a 2-core AMD
EPYC. On a partial index of agents' replies the probe is answered from the index alone.
The bot's replies in the period were counted by reading every message of the period;
a partial index of the bot's replies holds only those. Both are small (agents' replies
are under half of the messages, the bot's a few percent) and grow with the history they
serve, not with what the page reads (see bench/history_growth.py).
``CONCURRENTLY``, as in 0002, so adding them to a live installation does not block writes.
"""

from django.db import migrations

INDEXES = {
    "dash_msg_agent_reply": (
        "inbox_message (conversation_id, created_at) "
        "WHERE direction = 'outbound' AND author = 'agent'"
    ),
    "dash_msg_bot_reply": (
        "inbox_message (workspace_id, created_at) WHERE direction = 'outbound' AND author = 'bot'"
    ),
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dashboards", "0004_events_and_local_hours"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, spec in INDEXES.items()
    ]
