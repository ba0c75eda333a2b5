"""The demo's tests run `seed_demo` like the other command tests, with the same helpers."""

from tests.commands.conftest import fake_adapter, run  # noqa: F401 - shared fixtures
