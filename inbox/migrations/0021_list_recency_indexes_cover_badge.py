"""The list's recency indexes (0008) carry the channel and the last customer message time,
so the unread badge of any view reads the index alone.

The badge (inbox.selectors.conversation_list.unread_total) counts a view's conversations
with a customer message the agent has not read, up to 100. With a filter the index does
not lead with (a channel, a label), PostgreSQL visited every conversation of the view in
the table to test the channel and `last_inbound_at`: 5,338 rows on 1,329 pages for a
team's open conversations in the bench world, most of that view's ~20 ms request time on
the 2-core box (issue 20). With both columns INCLUDEd it is an index-only scan (47 pages);
the keys are the same, so the list's pages and cursors read these exactly as before.

Each new index is built before its old one is dropped, CONCURRENTLY (a live installation
keeps writing; a non-atomic migration, as 0008).
"""

from django.db import migrations

ORDER = "last_message_at DESC NULLS LAST, id DESC"
COVER = "INCLUDE (channel_id, last_inbound_at)"

# new name: (old name, key columns)
INDEXES = {
    "conv_recent_cover": ("conv_ws_recent", f"workspace_id, {ORDER}"),
    "conv_status_recent_cover": ("conv_ws_status_recent", f"workspace_id, status, {ORDER}"),
    "conv_assignee_recent_cover": (
        "conv_ws_assignee_recent",
        f"workspace_id, assignee_id, status, {ORDER}",
    ),
    "conv_team_recent_cover": ("conv_ws_team_recent", f"workspace_id, team_id, status, {ORDER}"),
}


def _create(name: str, columns: str, include: str = "") -> str:
    return (
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON inbox_conversation ({columns}) "
        + include
    )


def _drop(name: str) -> str:
    return f"DROP INDEX CONCURRENTLY IF EXISTS {name}"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0020_drop_msg_campaign_index"),
    ]

    operations = [
        operation
        for new, (old, columns) in INDEXES.items()
        for operation in (
            migrations.RunSQL(sql=_create(new, columns, COVER), reverse_sql=_drop(new)),
            migrations.RunSQL(sql=_drop(old), reverse_sql=_create(old, columns)),
        )
    ]
