"""Indexes the roll-up needs on the inbox's history tables.

The roll-up reads one workspace's messages one UTC day at a time and the conversations
resolved on a day; without these it would scan every message of every workspace each
minute. They are the roll-up's own needs, so they live with it (raw SQL, invisible to the
inbox models; IF NOT EXISTS so the inbox may adopt the same index later).
``CONCURRENTLY`` so adding them to a live installation does not block writes.
"""

from django.db import migrations

INDEXES = {
    "dash_msg_ws_created": "inbox_message (workspace_id, created_at)",
    "dash_conv_ws_resolved": (
        "inbox_conversation (workspace_id, resolved_at) WHERE resolved_at IS NOT NULL"
    ),
    "dash_conv_ws_created": "inbox_conversation (workspace_id, created_at)",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dashboards", "0001_initial"),
        ("inbox", "0008_list_and_search_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, spec in INDEXES.items()
    ]
