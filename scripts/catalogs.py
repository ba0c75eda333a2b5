"""Translation catalogs (locale/<lang>/LC_MESSAGES): extract, compile, check.

    python scripts/catalogs.py update    # makemessages (django + djangojs), then compile + check
    python scripts/catalogs.py compile   # .po -> .mo with polib (no GNU gettext needed)
    python scripts/catalogs.py check     # untranslated / fuzzy / placeholders / stale .mo

Compiled .mo files are committed beside their .po sources, so `make run`, `make test` and
the Docker image work on a machine with only Python and npm: compiling needs no msgfmt
(polib writes the .mo), and tests/i18n/test_catalogs.py fails if a .mo no longer matches
its .po. Only extraction (`update`, Django's makemessages) needs GNU gettext's xgettext;
it is a developer's step, and says how to install it when it is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ("es",)
DOMAINS = ("django", "djangojs")
# Not the product's own text: third-party code, tests, benchmarks, generated files.
IGNORE = [
    ".venv",
    "node_modules",
    ".data",
    "tests",
    "bench",
    "staticfiles",
    "*.egg-info",
    "locale",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def po_path(language: str, domain: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{domain}.po"


def update() -> None:
    """Extract every marked string into the .po files (new ones arrive untranslated)."""
    if shutil.which("xgettext") is None:
        sys.exit(
            "makemessages needs GNU gettext's xgettext. Install it "
            "(Debian/Ubuntu: apt-get install -y gettext; macOS: brew install gettext), "
            "then run `make messages` again."
        )
    # File names without line numbers: a .po changes when a string does, not when code
    # above it moves.
    base = [
        sys.executable,
        "manage.py",
        "makemessages",
        "--no-obsolete",
        "--no-wrap",
        "--add-location=file",
    ]
    base += [f"--locale={language}" for language in LANGUAGES]
    base += [f"--ignore={pattern}" for pattern in IGNORE]
    # Extraction reads files only: unreachable placeholder URLs keep settings from
    # starting the embedded PostgreSQL and Redis (nothing connects to them).
    env = {
        "DATABASE_URL": "postgres://catalogs@127.0.0.1:9/unused",
        "REDIS_URL": "redis://127.0.0.1:9/0",
        **os.environ,
        "INBOX_DATA_DIR": os.environ.get("INBOX_DATA_DIR", str(ROOT / ".data")),
    }
    subprocess.run([*base, "--domain=django"], cwd=ROOT, check=True, env=env)
    subprocess.run(
        [*base, "--domain=djangojs", "--ignore=*.min.js", "--ignore=vendor"],
        cwd=ROOT,
        check=True,
        env=env,
    )


def compile_all() -> None:
    """Write each .mo from its .po (what `compilemessages` does, without msgfmt)."""
    for language in LANGUAGES:
        for domain in DOMAINS:
            po_file = po_path(language, domain)
            if po_file.exists():
                polib.pofile(str(po_file)).save_as_mofile(str(po_file.with_suffix(".mo")))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(language: str, domain: str) -> list[str]:
    """Every reason the catalog is not finished: untranslated, fuzzy, a placeholder
    dropped or invented, or a compiled .mo that no longer matches its .po."""
    po_file = po_path(language, domain)
    if not po_file.exists():
        return [f"{po_file.relative_to(ROOT)}: missing"]
    catalog = polib.pofile(str(po_file))
    found = []
    name = po_file.relative_to(ROOT)
    for entry in catalog:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"{name}: fuzzy: {entry.msgid!r}")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            found.append(f"{name}: untranslated: {entry.msgid!r}")
            continue
        expected = placeholders(entry.msgid)
        for text in translations:
            if entry.msgid_plural:
                # A plural's singular may leave out its count ("one message").
                missing = set(expected) - set(placeholders(text)) - {"%(count)s", "%d", "%s"}
                if missing:
                    found.append(f"{name}: placeholders {sorted(missing)} lost: {entry.msgid!r}")
            elif placeholders(text) != expected:
                found.append(f"{name}: placeholders differ: {entry.msgid!r} -> {text!r}")
    mo_file = po_file.with_suffix(".mo")
    if not mo_file.exists():
        found.append(f"{mo_file.relative_to(ROOT)}: missing (run `make messages`)")
    elif _entries(catalog) != _entries(polib.mofile(str(mo_file))):
        found.append(f"{mo_file.relative_to(ROOT)}: stale (run `make messages`)")
    return found


def _entries(catalog) -> dict:
    """What a catalog translates to, comparable between a .po and a .mo."""
    out = {}
    for entry in catalog:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        key = (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")
        value = (
            tuple(sorted((int(k), v) for k, v in entry.msgstr_plural.items()))
            if entry.msgid_plural
            else entry.msgstr
        )
        if value:
            out[key] = value
    return out


def check() -> int:
    found = [p for language in LANGUAGES for domain in DOMAINS for p in problems(language, domain)]
    for problem in found:
        print(problem)
    print(f"{len(found)} catalog problem(s)")
    return 1 if found else 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
        compile_all()
        return check()
    if command == "compile":
        compile_all()
        return 0
    if command == "check":
        return check()
    sys.exit(f"unknown command {command!r}: update, compile or check")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
