"""The one message an opted-out customer may still receive: the confirmation of their
opt-out (carriers expect exactly this after a STOP). Its content carries this mark, and
the outbox's opt-out checks let only it through."""

from __future__ import annotations

NOTICE_KEY = "consent_notice"


def is_opt_out_notice(content: dict | None) -> bool:
    return isinstance(content, dict) and content.get(NOTICE_KEY) == "opt_out"
