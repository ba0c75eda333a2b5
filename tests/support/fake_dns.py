"""Made-up host names for the SSRF tests: the test sets their answers, real names
resolve as usual."""

from __future__ import annotations

import socket


def install(monkeypatch) -> dict[str, list[str]]:
    """Patch socket.getaddrinfo; returns the name -> addresses table to fill in."""
    answers: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host in answers:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port or 0),
                )
                for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return answers
