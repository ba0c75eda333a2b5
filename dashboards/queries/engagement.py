"""Engagement: read and reply rates by channel and by content style, and tapped chips."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dashboards.metrics import content_kind
from dashboards.models import ReasonCount
from inbox.models import Channel

from . import names
from .channel_health import reasons
from .hourly import Counters
from .scope import Scope
from .tables import Table, pct


def _reports_reads(workspace) -> dict[int, bool]:
    """Which channels can tell us about reads at all (SMS cannot: "n/a", not 0%)."""
    out = {}
    for channel in Channel.objects.filter(workspace=workspace):
        try:
            out[channel.pk] = bool(channel.adapter.capabilities(channel).read_receipts)
        except (LookupError, KeyError):
            out[channel.pk] = False
    return out


def _rates(acc: dict, reads: bool) -> list:
    sent = acc["sent"]
    return [
        acc["messages"],
        sent,
        pct(acc["read"], acc["delivered"]) if reads else None,
        pct(acc["replied"], sent),
    ]


def build(scope: Scope, counters: Counters) -> dict:
    channel_names = names.channels(scope.workspace)
    fields = ("messages", "sent", "delivered", "read", "replied")
    by_channel = counters.per_channel("outbound", fields)
    by_style = {
        (channel_id, kind): sums
        for (channel_id, direction, kind), sums in counters.per_key.items()
        if direction == "outbound"
    }
    reads = _reports_reads(scope.workspace)
    columns = [
        _("outbound"),
        _("sent"),
        _("read rate % (of delivered)"),
        _("reply rate % (of sent)"),
    ]
    channel_table = Table(
        "engagement_channels",
        _("By channel"),
        [_("channel"), *columns],
        [
            [names.label(channel_names, cid), *_rates(acc, reads.get(cid, False))]
            for cid, acc in sorted(by_channel.items(), key=lambda kv: -kv[1]["messages"])
        ],
    )
    order = {k: i for i, k in enumerate(content_kind.ORDER)}
    style_table = Table(
        "engagement_styles",
        _("By channel and message style"),
        [_("channel"), _("style"), *columns],
        [
            [
                names.label(channel_names, cid),
                content_kind.LABELS.get(kind, kind),
                *_rates(acc, reads.get(cid, False)),
            ]
            for (cid, kind), acc in sorted(
                by_style.items(),
                key=lambda kv: (channel_names.get(kv[0][0], ""), order.get(kv[0][1], 9)),
            )
        ],
    )
    chips = Table(
        "engagement_chips",
        _("Most tapped suggestions"),
        [_("channel"), _("chip"), _("taps")],
        [[names.label(channel_names, c), r, n] for c, r, n in reasons(scope, ReasonCount.CHIP)],
    )
    return {
        "tables": [channel_table, style_table, chips],
        "channels": channel_table,
        "styles": style_table,
    }
