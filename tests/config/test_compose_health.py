"""docker-compose.yml: every long-running service restarts on exit and has a healthcheck,
so a dead or hung process is seen (issue 21, docs/RELIABILITY.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_long_running_services_restart_and_report_their_health():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["restart"] == "unless-stopped", name
        assert services[name]["healthcheck"]["test"], name
    assert services["migrate"]["restart"] == "no"  # a one-shot job


def test_the_web_healthcheck_asks_the_readiness_probe():
    web = yaml.safe_load(COMPOSE.read_text())["services"]["web"]
    assert "/readyz" in " ".join(web["healthcheck"]["test"])
