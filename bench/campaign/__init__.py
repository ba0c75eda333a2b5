"""A campaign end to end: expansion, the outbox's rate, RCS and the SMS fallback,
against the sandboxes (see README.md)."""
