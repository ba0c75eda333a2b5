"""The web server's command line: uvicorn's access log is off unless ACCESS_LOG asks."""

from __future__ import annotations

from scripts import web_server


def test_the_access_log_is_off_by_default_and_on_when_asked():
    assert web_server.access_log_args({}) == ["--no-access-log"]
    assert web_server.access_log_args({"ACCESS_LOG": "false"}) == ["--no-access-log"]
    assert web_server.access_log_args({"ACCESS_LOG": " True "}) == []
    command = web_server.uvicorn_command(host="127.0.0.1", port=8000, environ={})
    assert "--no-access-log" in command
    command = web_server.uvicorn_command(host="127.0.0.1", port=8000, environ={"ACCESS_LOG": "1"})
    assert "--no-access-log" not in command
