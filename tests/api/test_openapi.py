from django.test import Client


def test_openapi_schema_is_served_without_a_token(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}/messages",
        "/api/v1/messages/{message_id}",
    }
    assert set(paths["/api/v1/conversations/{conversation_id}/messages"]) == {"get", "post"}
    schemes = schema["components"]["securitySchemes"]
    assert {s["scheme"] for s in schemes.values()} == {"bearer"}


def test_operations_require_the_bearer_scheme(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), f"{method.upper()} {path} is not authenticated"
