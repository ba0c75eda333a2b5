"""The demo workspace's settings: what a manager expects to find already configured.

A team that owns the channels and routes round-robin, labels, canned responses and
business hours, each found by its natural key before it is created, so a rerun adds
nothing and keeps whatever an admin changed since (a renamed colour, other hours).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from inbox.models import (
    BusinessHours,
    CannedResponse,
    Channel,
    Label,
    Membership,
    Role,
    RoutingMode,
    Team,
    Workspace,
)

DEMO_TEAM_NAME = "Support"

# Teammates nobody logs in as (no usable password): they give the agent tables, routing
# and presence more than one person to show.
DEMO_TEAMMATES = (
    {"username": "maria", "first_name": "Maria", "last_name": "Lopez"},
    {"username": "sam", "first_name": "Sam", "last_name": "Patel"},
)

# Display names for the log-in users, set only while a name is blank.
DEMO_NAMES = {
    "admin": ("Jordan", "Lee"),
    "manager": ("Morgan", "Diaz"),
    "agent": ("Alex", "Kim"),
}

# Dark enough for white text on the chip (WCAG AA), and never the only cue: names show too.
DEMO_LABELS = (
    ("Billing", "#b45309"),
    ("Delivery", "#1d4ed8"),
    ("Feedback", "#047857"),
    ("Urgent", "#b91c1c"),
    ("VIP", "#6d28d9"),
)

DEMO_CANNED = (
    (
        "hello",
        "Greeting",
        "Hi {{contact.first_name}}, thanks for getting in touch! How can I help today?",
    ),
    (
        "tracking",
        "Order tracking",
        "Hi {{contact.first_name}}, your order is on its way. You can follow it here: "
        "https://example.com/track",
    ),
    (
        "hours",
        "Opening hours",
        "We're open Monday to Friday, 9:00-17:00. We'll reply first thing when we open.",
    ),
    (
        "thanks",
        "Wrap-up",
        "Thanks {{contact.first_name}}! Anything else I can help with? - {{agent.first_name}}",
    ),
)

DEMO_WEEKLY_HOURS = {str(day): [["09:00", "17:00"]] for day in range(5)}


def ensure_names(users) -> None:
    for user in users:
        first, last = DEMO_NAMES.get(user.username, ("", ""))
        if first and not user.first_name:
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])


def ensure_teammates(workspace: Workspace) -> list:
    users = []
    for spec in DEMO_TEAMMATES:
        user, created = get_user_model().objects.get_or_create(
            username=spec["username"],
            defaults={
                "email": f"{spec['username']}@demo.example",
                "first_name": spec["first_name"],
                "last_name": spec["last_name"],
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.AGENT}
        )
        users.append(user)
    return users


def ensure_team(workspace: Workspace, channels: list[Channel], members: list) -> Team:
    """The team is created with round-robin routing; channels without a team join it."""
    team, created = Team.objects.get_or_create(
        workspace=workspace,
        name=DEMO_TEAM_NAME,
        defaults={"routing": RoutingMode.ROUND_ROBIN, "max_open_per_agent": 10},
    )
    if created:
        team.members.add(*members)
    for channel in channels:
        if channel.team_id is None:
            channel.team = team
            channel.save(update_fields=["team"])
    return team


def ensure_labels(workspace: Workspace) -> dict[str, Label]:
    labels = {}
    for name, colour in DEMO_LABELS:
        labels[name], _ = Label.objects.get_or_create(
            workspace=workspace, name=name, defaults={"colour": colour}
        )
    return labels


def ensure_canned(workspace: Workspace, author) -> None:
    for shortcut, title, body in DEMO_CANNED:
        CannedResponse.objects.get_or_create(
            workspace=workspace,
            shortcut=shortcut,
            defaults={"title": title, "body": body, "created_by": author},
        )


def ensure_business_hours(workspace: Workspace) -> None:
    BusinessHours.objects.get_or_create(
        workspace=workspace, defaults={"enabled": True, "weekly": DEMO_WEEKLY_HOURS}
    )
