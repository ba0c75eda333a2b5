"""A row lock taken with a join locks only the row it is for: `select_for_update(of=...)`.

Without `of`, PostgreSQL's FOR UPDATE locks a row of every table the query joins: a
conversation's lock taken with its contact also locks the contact, and two paths that
lock the same pair in opposite orders deadlock (one did, in the suite). Parsed, not
imported, so every queryset in every app is covered the day it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(path.parent for path in ROOT.glob("*/apps.py"))


def _chain(call: ast.Call) -> list[ast.Call]:
    """The calls of a method chain, outermost first: `a.b().c(x).d()` -> d, c, b."""
    calls, node = [], call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls


def unscoped_locks(source: str) -> list[int]:
    """Lines of `select_for_update` calls without `of` in a chain that joins."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        calls = _chain(node)
        names = {call.func.attr for call in calls}
        if "select_related" not in names:
            continue
        for call in calls:
            if call.func.attr == "select_for_update" and not any(
                keyword.arg == "of" for keyword in call.keywords
            ):
                found.add(call.lineno)
    return sorted(found)


def test_every_joined_row_lock_names_its_table():
    offences = [
        f"{path.relative_to(ROOT)}:{line}"
        for app in APPS
        for path in sorted(app.rglob("*.py"))
        for line in unscoped_locks(path.read_text())
    ]
    assert offences == []


def test_the_rule_sees_a_lock_that_joins():
    source = (
        "a = C.objects.select_for_update().select_related('contact').get(pk=1)\n"
        "b = C.objects.select_related('contact').select_for_update(skip_locked=True)\n"
        "c = C.objects.select_for_update(of=('self',)).select_related('contact')\n"
        "d = C.objects.select_for_update().get(pk=1)\n"
    )
    assert unscoped_locks(source) == [1, 2]
