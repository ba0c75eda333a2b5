"""The filter bar: a local date range and optional channel, team and agent."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox import access
from inbox.models import Team, Workspace

from .queries.scope import Scope

DEFAULT_DAYS = 30
MAX_DAYS = 366


class FilterForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.TypedChoiceField(
        label=gettext_lazy("Channel"), required=False, coerce=int, empty_value=None
    )
    team = forms.TypedChoiceField(
        label=gettext_lazy("Team"), required=False, coerce=int, empty_value=None
    )
    agent = forms.TypedChoiceField(
        label=gettext_lazy("Agent"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, workspace: Workspace, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["channel"].choices = [("", _("All channels"))] + [
            (c.pk, c.name) for c in access.channels(workspace).order_by("name")
        ]
        self.fields["team"].choices = [("", _("All teams"))] + [
            (t.pk, t.name) for t in Team.objects.filter(workspace=workspace).order_by("name")
        ]
        self.fields["agent"].choices = [("", _("All agents"))] + [
            (m.user_id, m.user.get_full_name() or m.user.username)
            for m in access.members(workspace)
        ]

    def clean(self):
        data = super().clean()
        today = timezone.now().astimezone(Scope(self.workspace, dt.date.min, dt.date.min).tz)
        end = data.get("end") or today.date()
        start = data.get("start") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(f"Choose at most {MAX_DAYS} days.")
        data["start"], data["end"] = start, end
        return data

    def scope(self) -> Scope:
        d = self.cleaned_data
        return Scope(
            workspace=self.workspace,
            first_day=d["start"],
            last_day=d["end"],
            channel_id=d.get("channel"),
            team_id=d.get("team"),
            agent_id=d.get("agent"),
        )
