"""`{% dash_tables %}`, `{% bar_chart %}` and `{% heatmap %}` draw the dashboards page's
tables and charts in Python (issue 20: their templates were a third of the page's time);
they must write byte for byte what the includes of _table.html, _bar_chart.html and
_heatmap.html wrote, for every table and chart of a known history, in English and
Spanish (decimal commas outside the SVG, never inside it)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from dashboards import charts, rollup
from dashboards.queries.tables import Table

from . import history
from .history import DAY, local

pytestmark = pytest.mark.django_db

TABLES_REFERENCE = Template(
    '{% for table in tables %}{% include "dashboards/_table.html" %}{% endfor %}'
)
TABLES_TAG = Template("{% load dash_draw %}{% dash_tables tables %}")
BAR_REFERENCE = Template('{% include "dashboards/_bar_chart.html" with chart=chart %}')
BAR_TAG = Template("{% load dash_draw %}{% bar_chart chart %}")
HEAT_REFERENCE = Template('{% include "dashboards/_heatmap.html" with chart=chart %}')
HEAT_TAG = Template("{% load dash_draw %}{% heatmap chart %}")


@pytest.fixture
def page_context(client, manager, workspace, agent):
    history.build(workspace, agent)
    rollup.run_workspace(workspace, now=local(12, day=DAY + dt.timedelta(days=1)))
    client.force_login(manager)
    # A range with days and without data, and a query string with "&" to escape.
    response = client.get(
        f"/w/{workspace.slug}/dashboards/", {"start": "2026-03-08", "end": "2026-03-12"}
    )
    assert response.status_code == 200
    return response.context


def _odd_cases() -> tuple[list[Table], list]:
    """What the history does not have: markup in names, None, floats, no rows at all."""
    tables = [
        Table("odd <t>", 'Title "<b>" & co', ["a & b", "<c>"], [["<x> & y", None, 12.5, 1234]]),
        Table("empty", "Nothing", ["one", "two"], []),
    ]
    bars = [
        charts.bar_chart("Empty <chart>", [], []),
        charts.bar_chart(
            'Odd & "chart"',
            ["a very long category <name> & more", "b"],
            [("in <s>", [1.5, None]), ("out", [0, 2000])],
            unit="%",
        ),
    ]
    return tables, bars


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_tags_write_what_the_templates_wrote(page_context, language):
    sections, drawn = page_context["sections"], page_context["charts"]
    query = page_context["query"]
    assert "&" in query
    odd_tables, odd_bars = _odd_cases()
    tables = [table for section in sections.values() for table in section["tables"]]
    assert len(tables) == 16 and all(t.rows for t in tables)  # no rows: the odd cases
    bar_charts = [c for name, c in drawn.items() if name != "heatmap"] + odd_bars
    with translation.override(language):
        for group in (tables, odd_tables):
            context = {"tables": group, "query": query}
            expected = TABLES_REFERENCE.render(Context(context))
            assert TABLES_TAG.render(Context(context)) == expected
        for tables_query in ("", query):  # the CSV link without filters
            context = {"tables": tables[:2], "query": tables_query}
            assert TABLES_TAG.render(Context(context)) == TABLES_REFERENCE.render(Context(context))
        for chart in bar_charts:
            expected = BAR_REFERENCE.render(Context({"chart": chart}))
            assert BAR_TAG.render(Context({"chart": chart})) == expected
        heat = {"chart": drawn["heatmap"]}
        assert HEAT_TAG.render(Context(heat)) == HEAT_REFERENCE.render(Context(heat))
        # The comparison covered localized numbers (and coordinates that must not be).
        odd = TABLES_TAG.render(Context({"tables": odd_tables, "query": ""}))
        assert ("12,5" if language == "es" else "12.5") in odd
        assert re.search(r' x="\d+\.\d+"', BAR_TAG.render(Context({"chart": odd_bars[1]})))
