"""RCS's lift over SMS, measured on the campaign's own control arm.

The treatment arm (RCS-capable, sent the rich message) against the control arm
(RCS-capable, sent the SMS version): for reply, click and conversion, the ratio of the
two rates with a 95% interval, Wilson intervals for each arm's rate and a two-sided
two-proportion z-test, all from statsmodels. Arms are compared as drawn (intention to
treat): a treatment message that fell back to SMS stays in the treatment arm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from .campaign_funnel import Funnel, FunnelCounts

METRICS = ("replied", "clicked", "converted")
ALPHA = 0.05
# Below these, the normal approximation the test rests on does not hold: say so instead
# of printing a confident-looking number.
MIN_ARM = 30  # recipients in each arm
MIN_EVENTS = 5  # recipients with, and without, the outcome in each arm


def _number(value) -> float | None:
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def wilson(successes: int, total: int) -> dict:
    """A rate with its 95% Wilson interval."""
    if total == 0:
        return {"rate": None, "low": None, "high": None}
    low, high = proportion_confint(successes, total, alpha=ALPHA, method="wilson")
    return {"rate": successes / total, "low": _number(low), "high": _number(high)}


def too_small(treatment: FunnelCounts, control: FunnelCounts, metric: str) -> bool:
    for arm in (treatment, control):
        hits = getattr(arm, metric)
        if arm.recipients < MIN_ARM or hits < MIN_EVENTS or arm.recipients - hits < MIN_EVENTS:
            return True
    return False


def lift(treatment: FunnelCounts, control: FunnelCounts, metric: str) -> dict:
    """{"ratio", "low", "high", "p_value", "too_small"}: treatment's rate over control's.

    The interval is statsmodels' log-adjusted one for a ratio of proportions (0.5 added
    to counts and totals, so a zero does not break it); the p-value is the pooled
    two-proportion z-test of "same rate in both arms".
    """
    x1, n1 = getattr(treatment, metric), treatment.recipients
    x2, n2 = getattr(control, metric), control.recipients
    out = {"ratio": None, "low": None, "high": None, "p_value": None}
    if n1 and n2:
        if x2:
            out["ratio"] = (x1 / n1) / (x2 / n2)
        low, high = confint_proportions_2indep(
            x1, n1, x2, n2, method="log-adjusted", compare="ratio", alpha=ALPHA
        )
        out["low"], out["high"] = _number(low), _number(high)
        if 0 < x1 + x2 < n1 + n2:  # all or none: the pooled variance is zero, no test
            _z, p_value = proportions_ztest([x1, x2], [n1, n2], alternative="two-sided")
            out["p_value"] = _number(p_value)
    out["too_small"] = too_small(treatment, control, metric)
    return out


@dataclass(frozen=True)
class Experiment:
    control: FunnelCounts
    treatment: FunnelCounts
    lift: dict[str, dict]
    intervals: dict[str, dict[str, dict]]  # arm -> metric -> {"rate", "low", "high"}
    sample_too_small: bool  # for at least one metric

    def verdict(self, metric: str) -> str:
        """What a person should read from it, plainly."""
        result = self.lift[metric]
        if result["too_small"]:
            return _(
                "Too few recipients to tell: each arm needs at least %(arm)s recipients, "
                "and %(events)s with and %(events)s without the outcome."
            ) % {"arm": MIN_ARM, "events": MIN_EVENTS}
        if result["p_value"] is None or result["p_value"] >= ALPHA:
            return _("No difference detected between RCS and SMS (95% confidence).")
        if result["ratio"] is not None and result["ratio"] > 1:
            return _("RCS did better than SMS (95% confidence).")
        return _("SMS did better than RCS (95% confidence).")

    def as_dict(self) -> dict:
        return {
            "control": self.control.as_dict(),
            "treatment": self.treatment.as_dict(),
            "lift": self.lift,
            "intervals": self.intervals,
            "sample_too_small": self.sample_too_small,
            "verdicts": {metric: self.verdict(metric) for metric in METRICS},
        }


def campaign_experiment(funnel: Funnel) -> Experiment | None:
    """The experiment's report, or None when the campaign had no control arm."""
    if not funnel.control_share:
        return None
    control = funnel.by_arm.get("control", FunnelCounts())
    treatment = funnel.by_arm.get("treatment", FunnelCounts())
    lifts = {metric: lift(treatment, control, metric) for metric in METRICS}
    return Experiment(
        control=control,
        treatment=treatment,
        lift=lifts,
        intervals={
            name: {m: wilson(getattr(arm, m), arm.recipients) for m in METRICS}
            for name, arm in (("control", control), ("treatment", treatment))
        },
        sample_too_small=any(result["too_small"] for result in lifts.values()),
    )
