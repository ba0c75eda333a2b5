"""The domain knows none of the apps built on it: nothing under inbox/ imports them.

A channel, the dashboards, members, settings, operators, the simulator and the demo
depend on inbox; an import the other way would tie the domain to one of them (and, at
worst, go in a circle). Parsed, not imported, so a lazy import inside a function counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "inbox"
# Every app of this project but inbox itself, found by its apps.py, so a new app is
# covered the day it is added (the channels library and channels_redis have none here).
BUILT_ON_INBOX = {path.parent.name for path in ROOT.glob("*/apps.py")} - {"inbox"}


def _forbidden(module: str) -> bool:
    return module.split(".", 1)[0] in BUILT_ON_INBOX


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_inbox_imports_no_app_built_on_it():
    offences = [
        f"{path.relative_to(INBOX.parent)}:{line} imports {module}"
        for path in sorted(INBOX.rglob("*.py"))
        for line, module in _imports(ast.parse(path.read_text(), filename=str(path)))
        if _forbidden(module)
    ]
    assert offences == []


def test_the_rule_sees_an_import_inside_a_function():
    tree = ast.parse("def f():\n    from dashboards.models import X\n    import channels_sms.api\n")
    found = [m for _, m in _imports(tree) if _forbidden(m)]
    assert found == ["dashboards.models", "channels_sms.api"]


def test_every_app_beside_inbox_is_covered():
    assert {"members", "outbound_webhooks", "privacy", "operators", "demo"} <= BUILT_ON_INBOX
    assert "inbox" not in BUILT_ON_INBOX


def test_the_rule_allows_the_channels_libraries():
    tree = ast.parse("from channels.db import database_sync_to_async\nimport channels_redis\n")
    assert [m for _, m in _imports(tree) if _forbidden(m)] == []
