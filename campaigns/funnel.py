"""The campaign page's funnel (chart, table, experiment) and its CSV export.

The figures are inbox.selectors' funnel report (the API's too), so the page, the CSV and
GET /api/v1/campaigns/{id} always agree. The chart is the dashboards' server-side SVG.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.charts import bar_chart
from inbox.csv_export import csv_text
from inbox.models import Campaign, ExclusionReason
from inbox.selectors.campaign_funnel import STEPS
from inbox.selectors.campaign_funnel_lift import METRICS
from inbox.selectors.campaign_funnel_report import funnel_report

STEP_LABELS = {
    "recipients": gettext_lazy("Recipients (messages written)"),
    "excluded": gettext_lazy("Excluded"),
    "queued": gettext_lazy("Not sent yet"),
    "sent": gettext_lazy("Sent"),
    "delivered": gettext_lazy("Delivered"),
    "read": gettext_lazy("Read (RCS only)"),
    "replied": gettext_lazy("Replied"),
    "clicked": gettext_lazy("Clicked"),
    "converted": gettext_lazy("Converted"),
    "failed": gettext_lazy("Failed"),
    "opted_out": gettext_lazy("Opted out"),
    "fell_back": gettext_lazy("Fell back to SMS"),
}
CHART_STEPS = ("sent", "delivered", "read", "replied", "clicked", "converted")


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _("%(n)s min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}


def _rows(report: dict) -> list[list]:
    """step, overall, %, RCS, %, SMS, % — a rate is a share of that column's recipients."""
    rows = []
    for step in STEPS:
        row = [str(STEP_LABELS[step])]
        for counts, rates in (
            (report["stats"], report["rates"]["overall"]),
            (report["by_channel"]["rcs"], report["rates"]["rcs"]),
            (report["by_channel"]["sms"], report["rates"]["sms"]),
        ):
            row += [counts[step], _percent(rates.get(step))]
        rows.append(row)
    return rows


def _columns() -> list[str]:
    return [
        _("Step"),
        _("All"),
        _("% of all"),
        _("RCS"),
        _("% of RCS"),
        _("SMS"),
        _("% of SMS"),
    ]


def _experiment_rows(experiment: dict) -> list[dict]:
    rows = []
    for metric in METRICS:
        rows.append(
            {
                "metric": STEP_LABELS[metric],
                "control": experiment["intervals"]["control"][metric],
                "control_pct": _percent(experiment["intervals"]["control"][metric]["rate"]),
                "treatment": experiment["intervals"]["treatment"][metric],
                "treatment_pct": _percent(experiment["intervals"]["treatment"][metric]["rate"]),
                "lift": experiment["lift"][metric],
                "verdict": experiment["verdicts"][metric],
            }
        )
    return rows


def funnel_context(campaign: Campaign) -> dict:
    """What detail.html's funnel section needs."""
    report = funnel_report(campaign)
    rates = report["rates"]
    chart = bar_chart(
        _("Funnel: share of the recipients reaching each step"),
        [str(STEP_LABELS[s]) for s in CHART_STEPS],
        [
            (_("All"), [_percent(rates["overall"][s]) for s in CHART_STEPS]),
            (_("RCS"), [_percent(rates["rcs"][s]) for s in CHART_STEPS]),
            (_("SMS"), [_percent(rates["sms"][s]) for s in CHART_STEPS]),
        ],
        unit="%",
    )
    experiment = report["experiment"]
    return {
        "funnel": report,
        "funnel_chart": chart,
        "funnel_columns": _columns(),
        "funnel_rows": _rows(report),
        "reply_time": {k: _duration(v) for k, v in report["median_reply_seconds"].items()},
        "reply_rate": {k: _percent(rates[k]["replied"]) for k in ("rcs", "sms")},
        "excluded_reasons": [
            (ExclusionReason(reason).label, count)
            for reason, count in report["excluded_by_reason"].items()
        ],
        "experiment": experiment,
        "experiment_rows": _experiment_rows(experiment) if experiment else [],
    }


def funnel_csv(campaign: Campaign) -> HttpResponse:
    report = funnel_report(campaign)
    rows = _rows(report)
    experiment = report["experiment"]
    if experiment:
        rows.append([])
        rows.append([_("Experiment: RCS (treatment) vs SMS (control)")])
        rows.append(
            [
                _("Step"),
                _("Control rate"),
                _("Treatment rate"),
                _("Lift (ratio)"),
                _("95% low"),
                _("95% high"),
                _("p-value"),
                _("Too few to tell"),
            ]
        )
        for metric in METRICS:
            lift = experiment["lift"][metric]
            rows.append(
                [
                    str(STEP_LABELS[metric]),
                    experiment["intervals"]["control"][metric]["rate"],
                    experiment["intervals"]["treatment"][metric]["rate"],
                    lift["ratio"],
                    lift["low"],
                    lift["high"],
                    lift["p_value"],
                    _("yes") if lift["too_small"] else _("no"),
                ]
            )
    response = HttpResponse(csv_text(_columns(), rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-funnel.csv"'
    return response
