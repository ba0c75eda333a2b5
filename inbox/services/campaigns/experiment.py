"""The control arm: a share of the RCS-capable recipients gets the SMS version instead.

Only recipients known to be RCS-capable (the cached reachability says so) enter the
experiment, so both arms are drawn from one population and the difference between them
is RCS's doing. Each one's arm comes from a hash of (the campaign's seed, the contact
id): random across contacts, yet the same on every run, chunk or worker, so a resumed
or re-run expansion draws exactly what the first one did.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from inbox.models import Arm, Channel

CONTROL_SHARE_MAX = Decimal("0.5")
ATTRIBUTION_HOURS_DEFAULT = 72
ATTRIBUTION_HOURS_MAX = 720  # 30 days; the reply selector's LONGEST_WINDOW


def new_seed() -> int:
    return secrets.randbits(62)


def draw_arm(*, seed: int, contact_id: int, control_share: Decimal | float) -> str:
    """CONTROL with probability `control_share`, else TREATMENT; reproducible."""
    digest = hashlib.sha256(f"{seed}:{contact_id}".encode()).digest()
    uniform = int.from_bytes(digest[:8], "big") / 2**64  # [0, 1)
    return Arm.CONTROL if uniform < float(control_share) else Arm.TREATMENT


def clean_experiment(
    *, control_share, attribution_hours, channel: Channel | None
) -> tuple[Decimal, int, list[str]]:
    """The values as stored, and what is wrong with them (nothing is written here)."""
    errors: list[str] = []
    try:
        share = Decimal(str(control_share if control_share not in (None, "") else 0))
    except InvalidOperation:
        share = Decimal(0)
        errors.append(_("control_share: must be a number from 0 to 0.5"))
    if not share.is_finite() or not Decimal(0) <= share <= CONTROL_SHARE_MAX:
        errors.append(_("control_share: must be a number from 0 to 0.5"))
        share = Decimal(0)
    share = share.quantize(Decimal("0.01"))
    try:
        hours = int(attribution_hours if attribution_hours not in (None, "") else 72)
    except (TypeError, ValueError):
        hours = ATTRIBUTION_HOURS_DEFAULT
        errors.append(_("attribution_hours: must be a whole number of hours"))
    if not 1 <= hours <= ATTRIBUTION_HOURS_MAX:
        errors.append(_("attribution_hours: from 1 to %(max)s") % {"max": ATTRIBUTION_HOURS_MAX})
    if share > 0 and channel is not None:
        caps = channel.adapter.capabilities(channel)
        if not (caps.rich_cards or caps.suggestions) or not channel.fallback_id:
            errors.append(
                _("control_share: a control arm needs an RCS channel with an SMS fallback")
            )
    return share, hours, errors
