from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Probes and figures for machines: /healthz, /readyz and Prometheus' /metrics.

    Its own app rather than part of operators/: operators/ holds pages people sign in
    to, these answer load balancers, compose healthchecks and Prometheus, which sign in
    to nothing, and they read every part of the system (web, workers, queues).
    """

    name = "monitoring"
    verbose_name = "Monitoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import heartbeat, receivers

        heartbeat.connect_to_worker()
        receivers.connect()
