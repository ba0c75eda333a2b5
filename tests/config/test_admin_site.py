"""/admin/ sees every workspace at once: only superusers get in, never mere staff.

The demo's published `admin` login used to be a superuser; now the demo makes none and a
staff flag alone opens nothing (config/admin_site.py).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from demo.workspace import DEMO_USERS, seed_demo

pytestmark = pytest.mark.django_db


def _client(**flags) -> Client:
    user = get_user_model().objects.create_user(username="op", password="x", **flags)
    client = Client()
    client.force_login(user)
    return client


def test_staff_without_superuser_is_sent_to_the_admin_login():
    response = _client(is_staff=True).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_operator_created_superuser_gets_in():
    response = _client(is_staff=True, is_superuser=True).get("/admin/")
    assert response.status_code == 200


def test_the_demo_admin_cannot_sign_in_to_admin(client, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    seed_demo()
    admin = next(u for u in DEMO_USERS if u["username"] == "admin")
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": admin["username"], "password": admin["password"], "next": "/admin/"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert client.get("/admin/").status_code == 302
