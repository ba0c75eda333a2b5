from __future__ import annotations

from types import SimpleNamespace

from inbox.services.canned import render_canned, unknown_variables


def test_variables_are_filled_and_others_left_alone():
    contact = SimpleNamespace(name="Ada Lovelace")
    agent = SimpleNamespace(first_name="Bob", username="bob", get_full_name=lambda: "Bob Ross")
    body = "Hi {{contact.first_name}} ({{ contact.name }}), {{agent.first_name}} here. {{x.y}}"
    assert render_canned(body, contact, agent) == "Hi Ada (Ada Lovelace), Bob here. {{x.y}}"


def test_missing_values_become_empty_not_none():
    contact = SimpleNamespace(name="")
    assert render_canned("Hi {{contact.first_name}}!", contact, None) == "Hi !"
    agent = SimpleNamespace(first_name="", username="carol", get_full_name=lambda: "")
    assert render_canned("{{agent.first_name}}/{{agent.name}}", contact, agent) == "carol/carol"


def test_no_template_engine_features_leak_through():
    contact = SimpleNamespace(name="{% evil %} <b>")
    assert render_canned("{{contact.name}}", contact, None) == "{% evil %} <b>"
    assert render_canned("{{ contact.__class__ }}", contact, None) == "{{ contact.__class__ }}"


def test_unknown_variables_are_reported_for_forms():
    assert unknown_variables("{{contact.first_name}} {{contact.email}} {{agent.x}}") == [
        "agent.x",
        "contact.email",
    ]
