"""The roll-up: turns message, status and conversation history into dashboard tables.

Maintained by a periodic Celery task (dashboards.tasks.roll_up, every
DASHBOARD_ROLLUP_SECONDS): each run recomputes whole UTC days (today, yesterday, and any
day a late message or status touched), so the figures are at most one period old and a
recomputation is idempotent.
"""

from .run import rebuild, run, run_workspace

__all__ = ["rebuild", "run", "run_workspace"]
