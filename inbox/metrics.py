"""Prometheus instruments the domain updates as it works (exposed by the monitoring app).

Plain prometheus-client objects: with PROMETHEUS_MULTIPROC_DIR set (`make run` sets it),
every process (web workers, Celery workers) writes its own figures to that directory and
/metrics sums them; without it each process counts for itself.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

WEBHOOKS = Counter(
    "inbox_webhooks_total",
    "Provider webhooks answered, by channel kind and outcome.",
    ["kind", "outcome"],  # accepted, unknown_channel, bad_signature, bad_request
)
EVENTS_APPLIED = Counter(
    "inbox_inbound_events_applied_total", "Inbound events applied to the domain."
)
EVENTS_SET_ASIDE = Counter(
    "inbox_inbound_events_set_aside_total",
    "Inbound events set aside after MAX_APPLY_ATTEMPTS failed applications.",
)
APPLY_LAG = Histogram(
    "inbox_inbound_apply_lag_seconds",
    "From an inbound event's acceptance (2xx) to its application (commit).",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)
APPLY_BATCH = Histogram(
    "inbox_inbound_apply_batch_size",
    "Inbound events claimed per batch.",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500),
)
WEBSOCKETS = Gauge(
    "inbox_websocket_connections",
    "Open agent websockets.",
    multiprocess_mode="livesum",
)
