"""How far an outbound message got, from its status and the time of each status.

The status only moves up the ladder (queued < sending < sent < delivered < read, failed
level with delivered), and each rung keeps its own timestamp, so a message that was read
without a "delivered" report (RCS can do that) still counts as delivered: reaching a rung
implies every rung below it. Failed is counted separately; a failed message that was
nevertheless read (a late receipt) counts as read and as failed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reached:
    sent: bool
    delivered: bool
    read: bool
    failed: bool


def reached(status: str, sent_at, delivered_at, read_at) -> Reached:
    read = status == "read" or read_at is not None
    delivered = read or status == "delivered" or delivered_at is not None
    sent = delivered or status == "sent" or sent_at is not None
    return Reached(sent=sent, delivered=delivered, read=read, failed=status == "failed")
