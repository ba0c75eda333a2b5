"""Indexes for the conversation list (every view, keyset-paginated) and inbox search.

Why these and why raw SQL:

- The list orders by ``last_message_at DESC NULLS LAST, id DESC`` (the keyset cursor).
  The 0001 indexes are ``last_message_at DESC`` (NULLS FIRST), which PostgreSQL cannot
  walk for a NULLS LAST order, so it sorted every matching row. These match the order
  exactly, one per view: all, status, assignee (Mine / Unassigned), team.
- Search is full text with the 'simple' configuration (no stemming, no stop words: names,
  order numbers and words in any language match as typed). A functional GIN index on
  ``to_tsvector('simple', text)`` serves ``@@ websearch_to_tsquery('simple', q)`` without a
  stored column: nothing to keep in sync on write, no extra heap per message, and GIN on
  tsvector needs no recheck for plain AND/OR queries. The same for contact names.
- Phone numbers match by prefix (``value LIKE '+1555%'``): a ``varchar_pattern_ops``
  btree, since the database collation is not C and the unique index cannot serve LIKE.

They live outside the models' Meta (SeparateDatabaseAndState-free RunSQL): the
expression indexes are not something the ORM needs to know about, and the query code
(inbox.services.search, inbox.selectors.conversation_filters) spells the same expressions.

``CONCURRENTLY`` so that adding them to a live installation does not block writes; that
requires a non-atomic migration.
"""

from django.db import migrations

ORDER = "last_message_at DESC NULLS LAST, id DESC"

INDEXES = {
    "conv_ws_recent": f"inbox_conversation (workspace_id, {ORDER})",
    "conv_ws_status_recent": f"inbox_conversation (workspace_id, status, {ORDER})",
    "conv_ws_assignee_recent": (
        f"inbox_conversation (workspace_id, assignee_id, status, {ORDER})"
    ),
    "conv_ws_team_recent": f"inbox_conversation (workspace_id, team_id, status, {ORDER})",
    "msg_text_fts": "inbox_message USING gin (to_tsvector('simple'::regconfig, text))",
    "contact_name_fts": "inbox_contact USING gin (to_tsvector('simple'::regconfig, name))",
    "identity_value_prefix": "inbox_contactidentity (value varchar_pattern_ops)",
}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0007_inbound_event_attempts"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {spec}",
            reverse_sql=f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        )
        for name, spec in INDEXES.items()
    ]
