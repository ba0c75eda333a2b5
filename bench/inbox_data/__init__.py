"""The inbox benchmark's data: a fresh workspace of N conversations and M messages, fast.

Why COPY and not the ORM or services: a million messages through ingest would take hours
and measure ingest, not the reads a benchmark wants. The loader writes final rows the
way the services would have left them (last message time and preview, last inbound time,
response clock) with PostgreSQL's COPY through psycopg's ``cursor.copy``, in one
transaction, so a failed load leaves nothing behind.

    .venv/bin/python -m bench.inbox_data --workspace bench --conversations 100000

`bench/inbox.py` calls `load.load_workspace` directly; the command line is for loading a
development database by hand. Agents' password is public: never load production data.
"""


class LoadRefused(Exception):
    """The request cannot be loaded as asked (an existing workspace, impossible sizes, a
    column the loader cannot fill); nothing was written."""
