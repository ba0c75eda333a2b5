"""The per-recipient CSV of a campaign: one line per contact it was meant for, so a
manager can follow up with those who replied or converted (or never opened).

Streamed: a 100,000-recipient campaign downloads without building the file in memory.
Headers and labels are in the reader's language (the language middleware keeps it for
the stream); times are in the workspace's zone, ISO 8601, so a spreadsheet sorts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from inbox.csv_export import csv_lines
from inbox.models import Arm, Campaign, ExclusionReason, MessageStatus
from inbox.selectors.campaign_recipient_rows import RecipientRow, recipient_rows


def _columns() -> list[str]:
    return [
        _("Contact ID"),
        _("Name"),
        _("Phone"),
        _("Arm"),
        _("Excluded"),
        _("Detail"),
        _("Channel"),
        _("Status"),
        _("Sent at"),
        _("Delivered at"),
        _("Read at"),
        _("First reply at"),
        _("Clicked"),
        _("Converted"),
        _("Conversion value"),
        _("Opted out"),
        _("Fell back to SMS"),
    ]


def _line(row: RecipientRow, zone: ZoneInfo) -> list[object]:
    def when(at: datetime | None) -> str:
        return at.astimezone(zone).isoformat(timespec="seconds") if at else ""

    def yes(flag: bool) -> str:
        return _("yes") if flag else _("no")

    return [
        row.contact_id,
        row.name,
        row.phone,
        Arm(row.arm).label if row.arm else "",
        ExclusionReason(row.excluded).label if row.excluded else "",
        row.detail,
        {"rcs": _("RCS"), "sms": _("SMS")}.get(row.kind or "", ""),
        MessageStatus(row.status).label if row.status else "",
        when(row.sent_at),
        when(row.delivered_at),
        when(row.read_at),
        when(row.first_reply_at),
        yes(row.clicked),
        yes(row.converted),
        row.conversion_value,
        yes(row.opted_out),
        yes(row.fell_back),
    ]


def recipients_csv(campaign: Campaign) -> StreamingHttpResponse:
    zone = ZoneInfo(campaign.workspace.timezone)

    def lines() -> Iterator[list[object]]:
        for row in recipient_rows(campaign):
            yield _line(row, zone)

    response = StreamingHttpResponse(
        csv_lines(_columns(), lines()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="campaign-{campaign.pk}-recipients.csv"'
    )
    return response
