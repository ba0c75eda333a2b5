"""The import wizard's pages and fragments: the flow, and scope and role on each."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inbox.models import Contact, ContactImport, ImportStatus
from inbox.services.contact_import.job import run_import

pytestmark = pytest.mark.django_db

FILE = "Teléfono;Nombre;Etiquetas\n612345678;Ana;vip\nxx;Mal;\n"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, text=FILE):
    return client.post(
        "/w/acme/contact-imports/",
        {"file": SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")},
    )


def test_upload_map_preview_start_and_follow_to_the_end(manager, workspace):
    client = logged_in(manager)
    assert client.get("/w/acme/contact-imports/").status_code == 200
    response = upload(client)
    contact_import = ContactImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/contact-imports/{contact_import.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'value="phone" selected' in page and 'value="labels" selected' in page

    base = f"/w/acme/contact-imports/{contact_import.pk}/"
    preview = client.get(
        base + "preview/", {"column-0": "phone", "column-1": "name", "country": "es"}
    ).content.decode()
    assert "+34612345678" in preview and "Rejected:" in preview

    started = client.post(
        base + "start/",
        {"column-0": "phone", "column-1": "name", "column-2": "labels", "country": "ES"},
    )
    assert started.status_code == 302
    assert "every 1s" in client.get(base + "progress/").content.decode()  # polls while queued
    run_import(import_id=contact_import.pk)
    done = client.get(base).content.decode()
    assert 'data-status="completed"' in done and "every 1s" not in done
    table = list(csv.reader(io.StringIO(client.get(base + "rejected.csv").content.decode())))
    assert table == [["row", "error", "Teléfono", "Nombre", "Etiquetas"], table[1]]
    assert table[1][0] == "3" and table[1][2] == "xx"
    assert Contact.objects.get().labels.get().name == "vip"


def test_a_refused_file_and_a_bad_mapping_say_why(manager, workspace):
    client = logged_in(manager)
    refused = upload(client, "")
    assert refused.status_code == 422 and "empty" in refused.content.decode()
    upload(client)
    contact_import = ContactImport.objects.get()
    response = client.post(
        f"/w/acme/contact-imports/{contact_import.pk}/start/",
        {"column-0": "name", "column-1": "name", "column-2": ""},
    )
    assert response.status_code == 422
    assert "phone number" in response.content.decode()
    assert ContactImport.objects.get().status == ImportStatus.UPLOADED


def test_cancel(manager, workspace):
    client = logged_in(manager)
    upload(client)
    contact_import = ContactImport.objects.get()
    client.post(f"/w/acme/contact-imports/{contact_import.pk}/start/", {"country": "ES"})
    client.post(f"/w/acme/contact-imports/{contact_import.pk}/cancel/")
    assert ContactImport.objects.get().status == ImportStatus.CANCELLED


SURFACES = [
    ("get", ""),
    ("get", "preview/"),
    ("get", "progress/"),
    ("get", "rejected.csv"),
    ("post", "start/"),
    ("post", "cancel/"),
]


@pytest.mark.parametrize(("method", "suffix"), SURFACES)
def test_every_import_page_and_action_is_404_outside_and_403_for_an_agent(
    manager, agent, outsider, workspace, method, suffix
):
    upload(logged_in(manager))
    url = f"/w/acme/contact-imports/{ContactImport.objects.get().pk}/{suffix}"
    assert getattr(logged_in(outsider), method)(url).status_code == 404
    assert getattr(logged_in(agent), method)(url).status_code == 403
    assert ContactImport.objects.get().status == ImportStatus.UPLOADED
    if method == "get":
        assert logged_in(manager).get(url).status_code == 200


def test_the_upload_page_is_404_outside_and_403_for_agents(agent, outsider, workspace):
    assert logged_in(outsider).get("/w/acme/contact-imports/").status_code == 404
    assert logged_in(agent).get("/w/acme/contact-imports/").status_code == 403
    assert upload(logged_in(agent)).status_code == 403
    assert not ContactImport.objects.exists()


def test_another_workspaces_import_is_404_even_for_its_admin(manager, workspace, other_workspace):
    from tests.conftest import _member

    upload(logged_in(manager))
    globex_admin = _member(other_workspace, "gina", "admin")
    url = f"/w/globex/contact-imports/{ContactImport.objects.get().pk}/"
    assert logged_in(globex_admin).get(url).status_code == 404
