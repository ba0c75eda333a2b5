"""Server-side SVG charts: geometry computed here, drawn by templates/dashboards/_*.svg.

No JavaScript library: the page stays server-rendered, charts print and work without
scripts, and every chart is readable without colour: each series has its own fill
pattern (solid, hatched, dotted, cross-hatched) shown in the legend, every bar carries its
value as a tooltip and the table under the chart has the exact figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

PATTERNS = ["solid", "hatch", "dots", "cross"]
WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 46


@dataclass
class BarChart:
    title: str
    unit: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    empty: bool = False
    plot_bottom: int = HEIGHT - BOTTOM
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 1.0
    while step * 10 < value:
        step *= 10
    for m in (1, 2, 2.5, 5, 10):
        if value <= step * m:
            return step * m
    return value


def bar_chart(
    title: str, categories: list[str], series: list[tuple[str, list]], unit: str = ""
) -> BarChart:
    """Grouped bars: one group per category, one bar per series (None = no bar)."""
    chart = BarChart(title=title, unit=unit)
    values = [v for _, vals in series for v in vals if v is not None]
    top = _nice_max(max(values, default=0))
    chart.empty = not any(values)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    n = max(1, len(categories))
    group_w = plot_w / n
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
    every = max(1, round(n / 12))  # at most ~12 category labels
    for i, name in enumerate(categories):
        x0 = LEFT + i * group_w + group_w * 0.1
        for s, (label, vals) in enumerate(series):
            v = vals[i] if i < len(vals) else None
            if v is None:
                continue
            h = plot_h * (v / top)
            chart.bars.append(
                {
                    "x": round(x0 + s * bar_w, 1),
                    "y": round(TOP + plot_h - h, 1),
                    "w": round(bar_w * 0.92, 1),
                    "h": round(h, 1),
                    "pattern": PATTERNS[s % len(PATTERNS)],
                    "title": f"{name} · {label}: {v}{unit}",
                }
            )
        if i % every == 0:
            chart.labels.append({"x": round(LEFT + (i + 0.5) * group_w, 1), "text": name})
    for k in range(5):
        v = top * k / 4
        chart.ticks.append({"y": round(TOP + plot_h - plot_h * k / 4, 1), "text": f"{v:g}{unit}"})
    chart.legend = [
        {"label": label, "pattern": PATTERNS[s % len(PATTERNS)]}
        for s, (label, _) in enumerate(series)
    ]
    return chart


def heatmap(title: str, rows: list[str], grid: list[list[int]]) -> dict:
    """Weekday x hour: darker is busier, and every cell prints its number."""
    peak = max((v for row in grid for v in row), default=0) or 1
    cell_w, cell_h, left, top = 28, 24, 40, 18
    cells = []
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            level = v / peak
            cells.append(
                {
                    "x": left + c * cell_w,
                    "y": top + r * cell_h,
                    "w": cell_w - 2,
                    "h": cell_h - 2,
                    "fill": f"rgba(37, 87, 214, {0.06 + 0.9 * level:.2f})",
                    "ink": "#fff" if level > 0.55 else "#1c2330",
                    "value": v,
                    "title": ngettext(
                        "%(day)s %(hour)02d:00 · %(n)s message",
                        "%(day)s %(hour)02d:00 · %(n)s messages",
                        v,
                    )
                    % {"day": rows[r], "hour": c, "n": v},
                }
            )
    return {
        "title": title,
        "cells": cells,
        "rows": [{"y": top + r * cell_h + cell_h / 2 + 4, "text": t} for r, t in enumerate(rows)],
        "hours": [{"x": left + h * cell_w + cell_w / 2, "text": f"{h:02d}"} for h in range(24)],
        "width": left + 24 * cell_w + 4,
        "height": top + len(rows) * cell_h + 4,
    }


def for_sections(sections: dict) -> dict:
    vol = sections["volume"]["daily"]
    day_labels = [row[0][5:] for row in vol.rows]  # MM-DD
    health = sections["channels"]["health"]
    styles = sections["engagement"]["styles"]
    summary = sections["speed"]["summary"]
    board = sections["agents"]["board"]
    optouts = sections["channels"]["optouts"]
    return {
        "volume_messages": bar_chart(
            gettext("Messages per day"),
            day_labels,
            [(gettext("in"), [r[3] for r in vol.rows]), (gettext("out"), [r[4] for r in vol.rows])],
        ),
        "volume_conversations": bar_chart(
            gettext("Conversations per day"),
            day_labels,
            [
                (gettext("opened"), [r[1] for r in vol.rows]),
                (gettext("resolved"), [r[2] for r in vol.rows]),
            ],
        ),
        "heatmap": heatmap(
            gettext("Busiest hours (customer messages)"),
            sections["volume"]["weekdays"],
            sections["volume"]["heat"],
        ),
        "speed": bar_chart(
            gettext("Median and p90 (minutes)"),
            [r[0] for r in summary.rows],
            [
                (gettext("median"), [r[2] for r in summary.rows]),
                (gettext("p90"), [r[3] for r in summary.rows]),
            ],
        ),
        "health": bar_chart(
            gettext("Outbound outcome per channel (%)"),
            [r[0] for r in health.rows],
            [
                (gettext("sent"), [r[2] for r in health.rows]),
                (gettext("delivered"), [r[3] for r in health.rows]),
                (gettext("read"), [r[4] for r in health.rows]),
                (gettext("failed"), [r[5] for r in health.rows]),
            ],
            unit="%",
        ),
        "optouts": bar_chart(
            gettext("Opt-outs per day"),
            day_labels,
            [(gettext("opt-outs"), [r[1] for r in optouts.rows])],
        ),
        "engagement": bar_chart(
            gettext("Read and reply rate by channel and style (%)"),
            [f"{r[0]} · {r[1]}" for r in styles.rows],
            [
                (gettext("read rate"), [r[4] for r in styles.rows]),
                (gettext("reply rate"), [r[5] for r in styles.rows]),
            ],
            unit="%",
        ),
        "agents": bar_chart(
            gettext("Conversations handled per agent"),
            [r[0] for r in board.rows[:15]],
            [(gettext("conversations"), [r[2] for r in board.rows[:15]])],
        ),
    }
