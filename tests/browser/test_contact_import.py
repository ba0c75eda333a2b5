"""A manager imports a contact list in real Chromium: upload, map with a live preview,
start, watch the progress bar fill from the worker, reload, download the rejected rows."""

from __future__ import annotations

import pytest

from inbox.models import Contact
from tests.support.browser import off_loop, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Excel's "CSV UTF-8" on a Spanish machine: BOM, semicolons, CRLF, a quoted newline.
FILE = (
    "\ufeffTeléfono;Nombre;Notas\r\n"
    '612 34 56 78;Ana;"primera línea\r\nsegunda"\r\n'
    "55 1234 5678;Luis;\r\n"
    "no es un número;Mal;\r\n"
).encode()


def _contacts(workspace):
    return sorted(
        Contact.objects.filter(workspace=workspace).values_list("identities__value", "name")
    )


def test_manager_imports_a_csv_through_the_wizard(
    asgi_server, celery_worker, manager, workspace, browser, tmp_path
):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, asgi_server + "/", "mona", lands=asgi_server + "/w/acme/")
    page.get_by_test_id("contacts-link").click()
    page.get_by_test_id("import-contacts-link").click()
    page.get_by_test_id("import-file").set_input_files(
        {"name": "clientes.csv", "mimeType": "text/csv", "buffer": FILE}
    )
    page.get_by_test_id("import-upload-submit").click()

    preview = page.get_by_test_id("import-preview")
    expect(page.get_by_test_id("map-0")).to_have_value("phone")
    expect(page.get_by_test_id("map-1")).to_have_value("name")
    expect(preview.get_by_test_id("preview-rejected")).to_have_count(3)  # no country yet
    page.get_by_test_id("import-country").fill("ES")
    page.get_by_test_id("import-country").dispatch_event("change")
    expect(preview).to_contain_text("+34612345678")
    page.get_by_test_id("map-1").select_option("name")
    expect(preview.get_by_test_id("preview-rejected")).to_have_count(2)  # MX number, bad row

    page.get_by_test_id("import-start").click()
    progress = page.get_by_test_id("import-progress")
    expect(progress).to_have_attribute("data-status", "completed", timeout=30_000)
    expect(page.get_by_test_id("import-created")).to_have_text("1")
    expect(page.get_by_test_id("import-rejected")).to_have_text("2")

    page.reload()  # the outcome is the import row's, not the tab's
    expect(page.get_by_test_id("import-progress")).to_have_attribute("data-status", "completed")
    with page.expect_download() as download:
        page.get_by_test_id("import-rejected-csv").click()
    rejected = download.value.path().read_text(encoding="utf-8")
    assert rejected.splitlines()[0] == "row,error,Teléfono,Nombre,Notas"
    assert "\n3," in rejected and "\n4," in rejected  # the header is row 1
    assert off_loop(_contacts, workspace) == [("+34612345678", "Ana")]
