"""What a provider sandbox's test or demo asks of it: controls per sender, scripted errors.

Every channel's local fake of its provider (channels_<name>/sandbox/) lets a test, or a
person trying the demo, set how one sender behaves (latency, unreachable numbers,
content a handset refuses...) and queue the errors its next API calls answer. Kept in
Redis so the web process that answers and the test or worker that asked agree. A
sandbox names its own key prefix and defaults; this is only the bookkeeping.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import redis


class SandboxControls:
    def __init__(self, prefix: str, defaults: dict, client: Callable[[], redis.Redis]):
        self.prefix = prefix
        self.defaults = defaults
        self._r = client

    def controls(self, sender: str) -> dict:
        raw = self._r().get(f"{self.prefix}controls:{sender}")
        return {**self.defaults, **(json.loads(raw) if raw else {})}

    def set_controls(self, sender: str, **values) -> dict:
        """Merge `values` into the sender's controls; an unknown name is a ValueError (a
        typo in a test would otherwise test nothing)."""
        unknown = set(values) - set(self.defaults) - {"webhook_url"}
        if unknown:
            raise ValueError(f"unknown sandbox control(s): {', '.join(sorted(unknown))}")
        merged = {**self.controls(sender), **values}
        self._r().set(f"{self.prefix}controls:{sender}", json.dumps(merged))
        return merged

    def reset(self, sender: str) -> None:
        self._r().delete(f"{self.prefix}controls:{sender}", f"{self.prefix}errors:{sender}")

    def push_errors(self, sender: str, errors: list[dict]) -> None:
        """The sender's next len(errors) API calls answer these, in order."""
        if errors:
            self._r().rpush(f"{self.prefix}errors:{sender}", *[json.dumps(e) for e in errors])

    def take_error(self, sender: str) -> dict | None:
        raw = self._r().lpop(f"{self.prefix}errors:{sender}")
        return json.loads(raw) if raw else None

    def pending_errors(self, sender: str) -> list[dict]:
        return [json.loads(e) for e in self._r().lrange(f"{self.prefix}errors:{sender}", 0, -1)]
