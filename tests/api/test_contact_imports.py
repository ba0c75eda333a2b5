"""POST /contacts/import and GET /contact-imports/{id}: 200 or 202, polling, scope, roles."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from inbox.models import Contact, ContactImport
from inbox.services.contact_import.job import run_import
from inbox.services.tokens import create_api_token
from tests.support.waiting import eventually

from .conftest import bearer_client

pytestmark = pytest.mark.django_db

SMALL = "phone;name;labels\n612345678;Ana;vip|es\nnope;Bad;\n+14155550100;Bob;\n"


def upload(text: str, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def manager_api(manager, workspace):
    return bearer_client(create_api_token(manager, workspace, "import")[1])


def post(client, text, **form):
    return client.post("/api/v1/contacts/import", {"file": upload(text), **form})


def test_a_small_file_answers_with_the_outcome(manager_api, workspace):
    response = post(manager_api, SMALL, country="es")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["created"], body["updated"]) == ("completed", 2, 0)
    assert body["rejected"] == [{"row": 3, "error": body["rejected"][0]["error"]}]
    assert body["rejected"][0]["error"].startswith("phone:")
    again = post(manager_api, "phone,name\n+34612345678,Ana B\n").json()
    assert (again["created"], again["updated"]) == (0, 1)
    assert Contact.objects.filter(workspace=workspace).count() == 2


def test_a_large_file_answers_202_and_is_polled_until_completed(manager_api, workspace, settings):
    settings.CONTACT_IMPORT_SYNC_ROWS = 2
    response = post(manager_api, SMALL, country="ES")
    assert response.status_code == 202, response.content
    import_id = response.json()["id"]
    polled = manager_api.get(f"/api/v1/contact-imports/{import_id}").json()
    assert polled["status"] == "queued" and polled["total_rows"] == 3
    run_import(import_id=import_id)  # what the worker does (the next test has a real one)
    done = manager_api.get(f"/api/v1/contact-imports/{import_id}").json()
    assert (done["status"], done["created"], done["rejected_count"]) == ("completed", 2, 1)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_completes_the_202_import(celery_worker, manager, workspace, settings):
    settings.CONTACT_IMPORT_SYNC_ROWS = 2
    client = bearer_client(create_api_token(manager, workspace, "import")[1])
    import_id = post(client, SMALL, country="ES").json()["id"]

    def completed():
        body = client.get(f"/api/v1/contact-imports/{import_id}").json()
        return body if body["status"] == "completed" else None

    body = eventually(completed, timeout=60, what="the import's completion")
    assert (body["created"], body["updated"], len(body["rejected"])) == (2, 0, 1)


def test_an_agents_token_gets_403_and_a_read_token_too(api, agent, workspace):
    assert post(api, SMALL).status_code == 403
    read_only = bearer_client(create_api_token(agent, workspace, "r", scopes=["read"])[1])
    assert post(read_only, SMALL).status_code == 403
    assert not ContactImport.objects.exists() and not Contact.objects.exists()


def test_another_workspace_cannot_see_the_import(manager_api, outsider_api):
    import_id = post(manager_api, SMALL, country="ES").json()["id"]
    assert outsider_api.get(f"/api/v1/contact-imports/{import_id}").status_code == 404


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("phone,name\n", "no rows"),
        ("phone,emial\n+14155550100,x@example.com\n", "emial"),
        ("name\nAna\n", "phone"),
    ],
)
def test_unusable_files_are_422_and_nothing_is_imported(manager_api, text, reason):
    response = post(manager_api, text)
    assert response.status_code == 422
    assert reason in " ".join(response.json()["errors"])
    assert not ContactImport.objects.exists() and not Contact.objects.exists()


def test_a_bad_country_is_422(manager_api):
    assert post(manager_api, SMALL, country="XX").status_code == 422
    assert post(manager_api, SMALL, country="Spain").status_code == 422
