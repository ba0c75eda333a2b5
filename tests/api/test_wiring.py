from django.test import Client, override_settings


@override_settings(ROOT_URLCONF="config.urls")
def test_project_urls_mount_api_v1(db):
    """The real URL map serves the API at /api/v1/ (not only the test URL map)."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/conversations" in response.json()["paths"]
