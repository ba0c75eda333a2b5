"""Business hours: a time zone, up to two opening intervals a day, and holidays."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inbox.models import Holiday, Workspace

DAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
INTERVALS = 2


def _zones() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in sorted(zoneinfo.available_timezones())]


def _time_field() -> forms.TimeField:
    return forms.TimeField(
        required=False, widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"})
    )


class HoursForm(forms.Form):
    timezone = forms.ChoiceField(label=_("Time zone"))
    enabled = forms.BooleanField(
        label=_("Keep business hours"),
        required=False,
        help_text=_("Off: always open (no out-of-hours replies; dashboards count every hour)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = _zones()
        for day in range(7):
            for i in range(1, INTERVALS + 1):
                self.fields[f"d{day}_start{i}"] = _time_field()
                self.fields[f"d{day}_end{i}"] = _time_field()

    @classmethod
    def initial_for(cls, workspace: Workspace, hours) -> dict:
        initial = {"timezone": workspace.timezone, "enabled": hours.enabled}
        for day, intervals in (hours.weekly or {}).items():
            for i, (start, end) in enumerate(intervals[:INTERVALS], start=1):
                initial[f"d{day}_start{i}"] = start
                initial[f"d{day}_end{i}"] = "00:00" if end == "24:00" else end
        return initial

    def rows(self):
        """(day name, [(start field, end field), ...]) for the template."""
        return [
            (
                DAYS[day],
                [
                    (self[f"d{day}_start{i}"], self[f"d{day}_end{i}"])
                    for i in range(1, INTERVALS + 1)
                ],
            )
            for day in range(7)
        ]

    def clean(self):
        data = super().clean()
        weekly: dict[str, list[list[str]]] = {}
        for day in range(7):
            intervals = []
            for i in range(1, INTERVALS + 1):
                start, end = data.get(f"d{day}_start{i}"), data.get(f"d{day}_end{i}")
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(
                        f"d{day}_start{i}" if start is None else f"d{day}_end{i}",
                        gettext("{day}: give both an opening and a closing time.").format(
                            day=DAYS[day]
                        ),
                    )
                    continue
                s, e = start.strftime("%H:%M"), end.strftime("%H:%M")
                if e == "00:00":
                    e = "24:00"  # closing at midnight
                if e <= s:
                    self.add_error(
                        f"d{day}_end{i}",
                        gettext("{day}: closing time must be after opening time.").format(
                            day=DAYS[day]
                        ),
                    )
                    continue
                if intervals and s < intervals[-1][1]:
                    self.add_error(
                        f"d{day}_start{i}",
                        gettext(
                            "{day}: the second interval must start after the first ends."
                        ).format(day=DAYS[day]),
                    )
                    continue
                intervals.append([s, e])
            if intervals:
                weekly[str(day)] = intervals
        data["weekly"] = weekly
        return data


class HolidayForm(forms.ModelForm):
    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        labels = {"name": _("Name (optional)")}

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_date(self):
        date = self.cleaned_data["date"]
        if Holiday.objects.filter(workspace=self.workspace, date=date).exists():
            raise forms.ValidationError(f"{date.isoformat()} is already a holiday.")
        return date
