"""The dashboards page's tables and charts, drawn in Python.

Through their templates (`_table.html`, `_bar_chart.html`, `_heatmap.html`) the page's
16 tables and 8 charts wrote about 4,700 template variables a request, a third of the
page's time on the 2-core bench box (issue 20: the page's p95 must stay within 300 ms);
the heatmap alone, 168 cells of ten variables, was ~10 ms. These write the same bytes as
those templates, which stay the markup's reference: tests/dashboards/test_draw_tags.py
renders both for every table and chart of a known history, in English and Spanish, and
compares. Strings are translated once per call, not once per row or cell.
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import length
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

register = template.Library()


_NUMBERS = (int, float, Decimal)


def _localizer():
    """What `{{ value }}` writes (localized, escaped), remembered per value for one call:
    a table repeats its zeros and small counts, and localizing a number looks up the
    language's formats each time."""
    memo: dict[tuple, str] = {}

    def e(value) -> str:
        if isinstance(value, str):
            return conditional_escape(value)
        key = (type(value), str(value))  # str: -0.0 is not 0.0
        text = memo.get(key)
        if text is None:
            text = memo[key] = conditional_escape(str(localize(value)))
        return text

    return e


def _n(value) -> str:
    """What `{{ value }}` writes inside `{% localize off %}` (a coordinate: "12.5"); a
    number unlocalized is its str(), which has nothing to escape."""
    if isinstance(value, str):
        return conditional_escape(value)
    if isinstance(value, _NUMBERS):
        return str(value)
    return conditional_escape(str(localize(value, use_l10n=False)))


def _t(message: str) -> str:
    # `{% translate "…" %}` writes the translation unescaped (a literal is safe).
    return gettext(mark_safe(message))


def _get(obj, name: str):
    """`{{ obj.name }}` for a dict or an object (the heatmap is a dict, a bar chart not)."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)


def _fill(pattern: str) -> str:
    return "" if pattern == "solid" else f' fill="url(#p-{_n(pattern)})"'


@register.simple_tag(takes_context=True)
def dash_tables(context: template.Context, tables) -> SafeString:
    """`{% for table in tables %}{% include "dashboards/_table.html" %}{% endfor %}`."""
    _e = _localizer()
    query = context.get("query", "")
    query_part = f"{_e(query)}&amp;" if query else ""
    table_word = _t("— table (")
    rows_word = _t("rows)")
    download = _t("Download")
    as_csv = _t("as CSV")
    no_data = _t("No data in this range.")
    out: list[str] = []
    for table in tables:
        name = _e(table.name)
        title = _e(table.title)
        out.append(
            f'<details class="dash__table" data-testid="table-{name}">\n'
            f"  <summary>{title} {table_word}{_e(length(table.rows))} {rows_word}</summary>\n"
            f'  <p class="dash__csv"><a href="?{query_part}format=csv&amp;table={name}" '
            f'data-testid="csv-{name}">{download} {title} {as_csv}</a></p>\n'
            '  <div class="dash__scroll">\n'
            "    <table>\n"
            f'      <caption class="visually-hidden">{title}</caption>\n'
            "      <thead><tr>"
        )
        out.extend(f'<th scope="col">{_e(c)}</th>' for c in table.columns)
        out.append("</tr></thead>\n      <tbody>\n        ")
        if table.rows:
            for row in table.rows:
                out.append("<tr>")
                out.extend("<td>–</td>" if v is None else f"<td>{_e(v)}</td>" for v in row)
                out.append("</tr>\n        ")
        else:
            out.append(f'<tr><td colspan="{_e(length(table.columns))}">{no_data}</td></tr>')
        out.append("\n      </tbody>\n    </table>\n  </div>\n</details>\n")
    return mark_safe("".join(out))


@register.simple_tag
def bar_chart(chart) -> SafeString:
    """`{% include "dashboards/_bar_chart.html" with chart=chart %}` (a charts.BarChart)."""
    _e = _localizer()
    out = [
        '<figure class="chart" data-testid="chart">\n'
        f"  <figcaption>{_e(chart.title)}</figcaption>\n  "
    ]
    if chart.empty:
        out.append(f'<p class="dash__note">{_t("No data in this range.")}</p>')
    else:
        label = gettext("%(title)s (figures in the table below)") % {"title": _n(chart.title)}
        out.append(
            f'\n  <svg viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" role="img" '
            f'aria-label="{label}" preserveAspectRatio="xMinYMin meet">\n    '
        )
        left, right = _n(chart.plot_left), _n(chart.plot_right)
        tick_x = _n(int(chart.plot_left) + -4)
        for t in chart.ticks:
            y = _n(t["y"])
            out.append(
                f'<line x1="{left}" x2="{right}" y1="{y}" y2="{y}" class="chart__grid"/>'
                f'<text x="{tick_x}" y="{y}" class="chart__tick" text-anchor="end" '
                f'dominant-baseline="middle">{_n(t["text"])}</text>'
            )
        out.append("\n    ")
        for b in chart.bars:
            pattern = b["pattern"]
            out.append(
                f'<rect x="{_n(b["x"])}" y="{_n(b["y"])}" width="{_n(b["w"])}" '
                f'height="{_n(b["h"])}" class="bar bar--{_n(pattern)}"{_fill(pattern)}>'
                f"<title>{_n(b['title'])}</title></rect>"
            )
        out.append("\n    ")
        label_y = _n(int(chart.plot_bottom) + 14)
        for item in chart.labels:
            text = Truncator(str(item["text"])).chars(16)
            out.append(
                f'<text x="{_n(item["x"])}" y="{label_y}" class="chart__label" '
                f'text-anchor="middle">{_n(text)}</text>'
            )
        out.append("\n  </svg>\n  ")
    out.append('\n  <ul class="chart__legend">')
    for item in chart.legend:
        pattern = item["pattern"]
        out.append(
            '<li><svg width="16" height="12" aria-hidden="true"><rect width="16" height="12" '
            f'class="bar bar--{_e(pattern)}"{_fill(pattern)}/></svg> {_e(item["label"])}</li>'
        )
    out.append("</ul>\n</figure>\n")
    return mark_safe("".join(out))


@register.simple_tag
def heatmap(chart: dict) -> SafeString:
    """`{% include "dashboards/_heatmap.html" with chart=chart %}` (charts.heatmap)."""
    _e = _localizer()
    label = gettext("%(title)s: each cell shows its count (table below)") % {
        "title": _n(_get(chart, "title"))
    }
    out = [
        '<figure class="chart" data-testid="heatmap">\n'
        f"  <figcaption>{_e(_get(chart, 'title'))}</figcaption>\n"
        f'  <svg viewBox="0 0 {_n(_get(chart, "width"))} {_n(_get(chart, "height"))}" '
        f'role="img" aria-label="{label}">\n    '
    ]
    out.extend(
        f'<text x="{_n(h["x"])}" y="12" class="chart__tick" text-anchor="middle">'
        f"{_n(h['text'])}</text>"
        for h in _get(chart, "hours")
    )
    out.append("\n    ")
    out.extend(
        f'<text x="34" y="{_n(r["y"])}" class="chart__tick" text-anchor="end">'
        f"{_n(r['text'])}</text>"
        for r in _get(chart, "rows")
    )
    out.append("\n    ")
    for c in _get(chart, "cells"):
        x, y = c["x"], c["y"]
        out.append(
            f'<g><rect x="{_n(x)}" y="{_n(y)}" width="{_n(c["w"])}" height="{_n(c["h"])}" '
            f'fill="{_n(c["fill"])}" rx="2"><title>{_n(c["title"])}</title></rect>'
            f'<text x="{_n(int(x) + 13)}" y="{_n(int(y) + 15)}" fill="{_n(c["ink"])}" '
            f'class="chart__cell" text-anchor="middle">{_n(c["value"])}</text></g>'
        )
    out.append("\n  </svg>\n</figure>\n")
    return mark_safe("".join(out))
