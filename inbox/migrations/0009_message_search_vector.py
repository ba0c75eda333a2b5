"""A stored search vector on messages, replacing 0008's expression index on message text.

Why: with only ``to_tsvector('simple', text)`` indexed, every check of one message against
a query (the "walk recent conversations and probe their messages" plan, the recheck of a
phrase) re-parsed its text; at a million messages a rare phrase cost ~400 ms that way
(bench/RESULTS.md). A generated column is parsed once, on write, by PostgreSQL itself, so
every write path (ORM, the benchmark's COPY, raw SQL) fills it with nothing to keep in
sync in Python.

Adding a stored generated column rewrites the table under an exclusive lock (about a
minute per million messages on the benchmark machine; see bench/RESULTS.md): run it in a
quiet window on a large installation. The GIN index is then built CONCURRENTLY, and the old
expression index dropped the same way, hence a non-atomic migration.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("inbox", "0008_list_and_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector("text", config="simple"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        AddIndexConcurrently(
            model_name="message",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="msg_search_vector"
            ),
        ),
        migrations.RunSQL(
            sql="DROP INDEX CONCURRENTLY IF EXISTS msg_text_fts",
            reverse_sql=(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS msg_text_fts "
                "ON inbox_message USING gin (to_tsvector('simple'::regconfig, text))"
            ),
        ),
    ]
