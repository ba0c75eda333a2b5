"""The Spanish-speaking demo workspace: a Mexico City flower shop whose team works in
Spanish, with Mexican customers writing in Spanish, beside the English one.

Idempotent like demo/workspace.py: rows are found by natural keys before they are made,
and customer messages go through ingest with fixed provider ids. Its members read the
product in Spanish (their profile says so, whatever their browser asks for), its
channels answer customers in Spanish, and its consent keywords are BAJA, ALTA, AYUDA ...
"""

from __future__ import annotations

from django.db import transaction

from inbox.models import (
    BusinessHours,
    CannedResponse,
    Label,
    Role,
    RoutingMode,
    Team,
    Workspace,
)
from members.services.languages import user_language_set

from .workspace import _ensure_member as ensure_member
from .workspace import _ensure_sandbox_channels, _ingest_demo_texts

SLUG = "demo-mx"
NAME = "Florería Jacaranda"
TIMEZONE = "America/Mexico_City"
CHANNEL_NAME = "{label} (sandbox MX)"
CHANNEL_CONFIG = {
    "customer_language": "es",
    "out_of_hours_reply": (
        "¡Hola! Ahora estamos cerrados. Te respondemos en cuanto abramos (lunes a sábado, "
        "de 9:00 a 19:00)."
    ),
}

# Demo credentials are public on purpose: never run seed_demo on a production database.
USERS = (
    {"username": "admin-mx", "password": "admin-mx-demo", "role": Role.ADMIN},
    {"username": "gerente", "password": "gerente-demo", "role": Role.MANAGER},
    {"username": "agente", "password": "agente-demo", "role": Role.AGENT},
)
NAMES = {
    "admin-mx": ("Lucía", "Hernández"),
    "gerente": ("Jorge", "Ramírez"),
    "agente": ("Valeria", "Cruz"),
}

TEAM = "Atención a clientes"
LABELS = (("Entrega", "#1d4ed8"), ("Facturación", "#7c3aed"), ("Urgente", "#b91c1c"))
CANNED = (
    (
        "saludo",
        "Saludo",
        "¡Hola {{contact.first_name}}! Gracias por escribirnos. ¿En qué te podemos ayudar?",
    ),
    (
        "envio",
        "Pedido en camino",
        "Hola {{contact.first_name}}, tu pedido ya va en camino y llega hoy antes de las 18:00.",
    ),
    (
        "gracias",
        "Despedida",
        "¡Gracias, {{contact.first_name}}! ¿Algo más en lo que te pueda ayudar? - "
        "{{agent.first_name}}",
    ),
)
HOURS = {str(day): [["09:00", "19:00"]] for day in range(0, 6)}  # Monday to Saturday

# (provider id, Mexican mobile, name, text, minutes ago)
INBOUND = (
    (
        "SMdemomx001",
        "+525512340101",
        "Mariana López",
        "Hola, ¿mi pedido #2087 ya va en camino?",
        90,
    ),
    (
        "SMdemomx002",
        "+523312340102",
        "Diego Martínez",
        "¿Puedo cambiar la dirección de entrega?",
        62,
    ),
    ("SMdemomx003", "+525512340101", "Mariana López", "Debía llegar ayer.", 48),
    ("SMdemomx004", "+528112340103", "", "¿Abren los domingos?", 25),
    (
        "SMdemomx005",
        "+525512340104",
        "Sofía Torres",
        "¡Gracias, las rosas estaban hermosas!",
        6,
    ),
)


def seed_spanish_demo() -> dict:
    """Create (or find) the Spanish demo workspace; returns its logins."""
    with transaction.atomic():
        workspace, _ = Workspace.objects.get_or_create(
            slug=SLUG, defaults={"name": NAME, "timezone": TIMEZONE, "language": "es"}
        )
        users = [
            ensure_member(workspace, username=u["username"], password=u["password"], role=u["role"])
            for u in USERS
        ]
        for user in users:
            first, last = NAMES[user.username]
            if not user.first_name:
                user.first_name, user.last_name = first, last
                user.save(update_fields=["first_name", "last_name"])
            user_language_set(user, "es")
        # Each answering customers in Spanish, with a closed-hours reply of its own.
        channels = _ensure_sandbox_channels(workspace, CHANNEL_NAME, CHANNEL_CONFIG)
        team, created = Team.objects.get_or_create(
            workspace=workspace,
            name=TEAM,
            defaults={"routing": RoutingMode.ROUND_ROBIN, "max_open_per_agent": 10},
        )
        if created:
            team.members.add(*users)
        for channel in channels:
            if channel.team_id is None:
                channel.team = team
                channel.save(update_fields=["team"])
        for name, colour in LABELS:
            Label.objects.get_or_create(workspace=workspace, name=name, defaults={"colour": colour})
        manager = next(u for u in users if u.username == "gerente")
        for shortcut, title, body in CANNED:
            CannedResponse.objects.get_or_create(
                workspace=workspace,
                shortcut=shortcut,
                defaults={"title": title, "body": body, "created_by": manager},
            )
        BusinessHours.objects.get_or_create(
            workspace=workspace, defaults={"enabled": True, "weekly": HOURS}
        )
    plain = next((c for c in channels if not c.adapter.capabilities(c).rich_cards), None)
    if plain is not None:
        _ingest_demo_texts(plain, INBOUND)
    return {
        "workspace": workspace.slug,
        "users": [
            {
                "username": u["username"],
                "password": u["password"],
                "role": str(u["role"]),
                "workspace": workspace.slug,
            }
            for u in USERS
        ],
    }
