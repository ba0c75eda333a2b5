"""CSV downloads that a spreadsheet opens as data, never as formulas.

Names, labels and message text in an export come from customers and members. Excel,
LibreOffice and Google Sheets run a cell starting with = + - @ (or a tab or carriage
return before one) as a formula, which can exfiltrate the sheet or launch programs
(CSV injection). Such text cells get a leading apostrophe, which the spreadsheet shows
as plain text; numbers are left as numbers (a negative figure is not a formula).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_formula(value: object) -> object:
    """The cell as a spreadsheet should show it: text that would run is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV; None becomes an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize_formula(c) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralize_formula(v) for v in row])
    return out.getvalue()


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """`csv_text` one line at a time, for a streamed download of any length."""
    out = io.StringIO()
    writer = csv.writer(out)
    for values in itertools.chain([columns], rows):
        writer.writerow(["" if v is None else neutralize_formula(v) for v in values])
        yield out.getvalue()
        out.seek(0)
        out.truncate(0)
