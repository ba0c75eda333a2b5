"""Which language a page is in: the person's choice, else Accept-Language, else the
workspace's language; the header's switch saves the choice (members/services/languages.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.profile import Profile


@pytest.fixture
def spanish_workspace(workspace):
    workspace.language = "es"
    workspace.save(update_fields=["language"])
    return workspace


def _inbox(client, workspace, **headers):
    return client.get(reverse("inbox:workspace", args=[workspace.slug]), headers=headers)


@pytest.mark.django_db
def test_sign_in_page_follows_accept_language(client):
    spanish = client.get(reverse("login"), headers={"accept-language": "es-MX,es;q=0.9"})
    assert "Inicia sesión en tu bandeja de entrada" in spanish.text
    assert spanish.headers["Content-Language"] == "es"
    english = client.get(reverse("login"), headers={"accept-language": "en-US"})
    assert "Sign in to your inbox" in english.text


@pytest.mark.django_db
def test_browser_language_wins_over_the_workspace_default(client, agent, spanish_workspace):
    client.force_login(agent)
    page = _inbox(client, spanish_workspace, **{"accept-language": "en-GB,en;q=0.8"})
    assert page.status_code == 200
    assert '<html lang="en">' in page.text


@pytest.mark.django_db
def test_workspace_default_when_the_browser_names_no_spoken_language(
    client, agent, spanish_workspace
):
    client.force_login(agent)
    page = _inbox(client, spanish_workspace, **{"accept-language": "de-DE,fr;q=0.5"})
    assert '<html lang="es">' in page.text
    assert "Conversaciones" in page.text


@pytest.mark.django_db
def test_own_choice_wins_over_browser_and_workspace(client, agent, spanish_workspace):
    Profile.objects.create(user=agent, language="en")
    client.force_login(agent)
    page = _inbox(client, spanish_workspace, **{"accept-language": "es"})
    assert '<html lang="en">' in page.text


@pytest.mark.django_db
def test_header_switch_saves_the_choice_and_returns(client, agent, workspace):
    client.force_login(agent)
    back = reverse("inbox:workspace", args=[workspace.slug])
    assert 'data-testid="language-switch"' in _inbox(client, workspace).text
    response = client.post(reverse("members:choose_language"), {"language": "es", "next": back})
    assert response.status_code == 302
    assert response.url == back
    assert Profile.objects.get(user=agent).language == "es"
    page = _inbox(client, workspace, **{"accept-language": "en"})
    assert '<html lang="es">' in page.text
    assert "Cerrar sesión" in page.text


@pytest.mark.django_db
def test_switch_refuses_unknown_language_and_foreign_redirect(client, agent):
    client.force_login(agent)
    url = reverse("members:choose_language")
    assert client.post(url, {"language": "xx"}).status_code == 400
    assert not Profile.objects.filter(user=agent).exists()
    response = client.post(url, {"language": "es", "next": "https://evil.example/"})
    assert response.url == "/"


@pytest.mark.django_db
def test_signed_out_choice_is_kept_in_a_cookie(client):
    client.post(reverse("members:choose_language"), {"language": "es"})
    page = client.get(reverse("login"), headers={"accept-language": "en"})
    assert "Inicia sesión en tu bandeja de entrada" in page.text


@pytest.mark.django_db
def test_javascript_catalog_serves_spanish(client):
    response = client.get("/jsi18n/", headers={"accept-language": "es"})
    assert response.status_code == 200
    assert "Reconectando" in response.text


@pytest.mark.django_db
def test_a_spanish_page_leaves_its_thread_in_the_default_language(client):
    """Threads are reused (ASGI's executor): a reader's language must not reach the next
    piece of code that runs there without the middleware (a webhook, the next test)."""
    from django.utils import translation

    page = client.get(reverse("login"), headers={"accept-language": "es-MX,es;q=0.9"})
    assert page.headers["Content-Language"] == "es"
    assert translation.get_language() == "en"
