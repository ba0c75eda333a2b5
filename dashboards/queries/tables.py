"""A table behind every chart: what the page shows under it and what the CSV exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from inbox.csv_export import csv_text


@dataclass
class Table:
    name: str  # stable id used by ?format=csv&table=<name>
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)

    def csv(self) -> str:
        # Formula-like text (a contact or label named "=HYPERLINK(...)") is neutralized.
        return csv_text(self.columns, self.rows)


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)
