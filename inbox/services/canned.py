"""Canned responses: filling their variables for one contact and one agent.

A deliberately tiny substitution, not the Django template engine: a canned body is
written by workspace staff and must not be able to reach attributes, filters or tags.
Only the names in VARIABLES are replaced; anything else is left exactly as written.
"""

from __future__ import annotations

import re

VARIABLES = ("contact.first_name", "contact.name", "agent.first_name", "agent.name")
_PATTERN = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")


def _contact_values(contact) -> dict[str, str]:
    name = str(getattr(contact, "name", "") or "").strip()
    return {"contact.name": name, "contact.first_name": name.split()[0] if name else ""}


def _agent_values(agent) -> dict[str, str]:
    if agent is None:
        return {"agent.first_name": "", "agent.name": ""}
    first = str(getattr(agent, "first_name", "") or "").strip()
    full = ""
    if hasattr(agent, "get_full_name"):
        full = agent.get_full_name().strip()
    username = str(getattr(agent, "username", "") or "")
    return {"agent.first_name": first or username, "agent.name": full or username}


def unknown_variables(body: str) -> list[str]:
    """Variables in `body` that render_canned would not fill (for form validation)."""
    return sorted({m for m in _PATTERN.findall(body or "") if m not in VARIABLES})


def render_canned(body: str, contact, agent) -> str:
    """`body` with {{contact.first_name}}, {{contact.name}}, {{agent.first_name}} and
    {{agent.name}} filled in; a missing value becomes empty text, never "None"."""
    values = {**_contact_values(contact), **_agent_values(agent)}

    def substitute(match: re.Match) -> str:
        name = match.group(1)
        return values[name] if name in values else match.group(0)

    return _PATTERN.sub(substitute, body or "")
