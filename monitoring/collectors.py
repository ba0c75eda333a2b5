"""Figures read from the database when Prometheus scrapes (queues are rows, not counters)."""

from __future__ import annotations

from django.db import connection
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from inbox.models import InboundEvent, Message, MessageStatus

from . import readiness


def _count(table: str, where: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}")
        return int(cursor.fetchone()[0])


class QueueCollector(Collector):
    """Inbound backlog and outbox depth, each with the age of its oldest row."""

    def collect(self):
        events = InboundEvent._meta.db_table
        messages = Message._meta.db_table
        queued = f"status = '{MessageStatus.QUEUED.value}'"
        pending = "applied_at IS NULL AND gave_up_at IS NULL"  # the pending partial index
        yield GaugeMetricFamily(
            "inbox_inbound_events_pending",
            "Accepted inbound events not yet applied.",
            value=_count(events, pending),
        )
        yield GaugeMetricFamily(
            "inbox_inbound_apply_lag_oldest_seconds",
            "Age of the oldest accepted inbound event not yet applied (0: none).",
            value=readiness.unapplied_event_age() or 0.0,
        )
        yield GaugeMetricFamily(
            "inbox_outbox_depth",
            "Outbound messages queued for sending.",
            value=_count(messages, queued),
        )
        yield GaugeMetricFamily(
            "inbox_outbox_oldest_seconds",
            "Age of the oldest queued outbound message (0: none).",
            value=readiness.queued_message_age() or 0.0,
        )
