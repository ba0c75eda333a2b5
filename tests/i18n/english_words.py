"""Finding English left on a Spanish page: words only English has, in what a person reads.

Shared by the page scan (tests/i18n/test_pages_in_spanish.py) and the browser test
(tests/browser/test_spanish_agent.py). Brand and protocol names (SMS, RCS, WhatsApp, API,
CSV, GSM-7, p90), people's and workspaces' names and the switch's own "English" are not in
the list; placeholders ({{ contact.first_name }}), addresses and time-zone names
(America/New_York) are removed before looking.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ENGLISH = frozenset(
    """the and your you with for from this that are is of to in on at by or not yet here all
    none new save send reply search status channel channels settings conversation
    conversations sign out assign assigned unassigned resolve resolved pending open snooze
    members member message messages name email password username customer customers team
    teams label labels agent agents dashboards dashboard download export filter filters apply
    cancel delete edit add remove close back next previous more load show hide help today
    yesterday minutes hours days ago live reconnecting connecting typing online offline away
    read delivered sent failed queued private note notes contact contacts segment segments
    characters per day week rate time first response volume speed health engagement
    notifications shortcuts keyboard skip content page older newer never what who when
    where which there their they them have has been was were will would could should can
    cannot please only every each any some""".split()
)
_IDENTIFIERS = re.compile(r"\{\{.*?\}\}|https?://\S+|\b[A-Z][a-z]+/[\w/ +-]+")
# Digits and underscores join a word, so "1Password" and "next_days" are not English.
_WORDS = re.compile(r"[\wÁÉÍÓÚÑáéíóúñü']+")
LABEL_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def english_lines(text: str) -> list[str]:
    found = []
    for line in text.splitlines():
        words = _WORDS.findall(_IDENTIFIERS.sub(" ", line))
        hits = [w for w in words if w.lower() in ENGLISH]
        if hits:
            found.append(f"{hits} in {line.strip()[:120]!r}")
    return found


class _Readable(HTMLParser):
    """Text nodes and label attributes, skipping scripts, styles and <code> (identifiers
    such as an API scope's name)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "code"):
            self._skip += 1
        for name, value in attrs:
            if name in LABEL_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def english_in_html(html: str) -> list[str]:
    parser = _Readable()
    parser.feed(html)
    return english_lines("\n".join(parser.parts))
