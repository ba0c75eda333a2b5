"""The Spanish catalogs are finished and their compiled .mo files match the .po sources.

New strings marked anywhere show up here as untranslated after `make messages`; a .po
edited without recompiling shows up as a stale .mo (scripts/catalogs.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("catalogs", ROOT / "scripts" / "catalogs.py")
catalogs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogs)


@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_spanish_catalog_is_complete_and_compiled(domain):
    assert catalogs.problems("es", domain) == []


@pytest.mark.parametrize("domain", catalogs.DOMAINS)
def test_catalog_has_entries(domain):
    # An empty catalog would pass the check above without translating anything.
    entries = polib.pofile(str(catalogs.po_path("es", domain)))
    assert len(entries) > (500 if domain == "django" else 10)


def test_check_finds_untranslated_fuzzy_lost_placeholder_and_stale_mo(tmp_path, monkeypatch):
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="Hola"))
    po.append(polib.POEntry(msgid="Untranslated", msgstr=""))
    po.append(polib.POEntry(msgid="Guess", msgstr="Adivina", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="Fine", msgstr="Bien"))
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po.save(str(folder / "django.po"))
    po.save_as_mofile(str(folder / "django.mo"))
    po[3].msgstr = "Muy bien"  # the .po changes; the .mo is not recompiled
    po.save(str(folder / "django.po"))
    monkeypatch.setattr(catalogs, "LOCALE", tmp_path)
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    found = "\n".join(catalogs.problems("es", "django"))
    assert "placeholders differ: 'Hello %(name)s'" in found
    assert "untranslated: 'Untranslated'" in found
    assert "fuzzy: 'Guess'" in found
    assert "django.mo: stale" in found
