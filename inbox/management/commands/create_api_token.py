from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from inbox.models import Membership
from inbox.models.api_token import TokenScope
from inbox.services.tokens import TokenError, create_api_token

from ._output import print_json

_DURATION = re.compile(r"^(\d+)([dh])$")


def _expiry(value: str) -> datetime:
    """'30d', '12h', '2026-01-31' (end of that day) or an ISO datetime, as an aware time."""
    match = _DURATION.match(value.strip().lower())
    if match:
        amount, unit = int(match[1]), match[2]
        return timezone.now() + timedelta(**{"days" if unit == "d" else "hours": amount})
    try:
        # A bare date first: parse_datetime would read it as that day's midnight.
        day = parse_date(value)
        moment = datetime.combine(day, time.max) if day else parse_datetime(value)
    except ValueError:  # well-formed but impossible, like 2026-02-30
        moment = None
    if moment is None:
        raise CommandError(f"--expires {value!r}: use 30d, 12h, 2026-01-31 or an ISO datetime")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _scopes(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [s.strip() for value in values for s in value.split(",") if s.strip()]


class Command(BaseCommand):
    help = "Create a REST API token for a user; the raw token is printed once and never stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument(
            "--workspace", help="workspace slug (optional when the user has only one)"
        )
        parser.add_argument("--name", default="default", help="a label to recognise the token")
        parser.add_argument(
            "--scope",
            action="append",
            metavar="SCOPE",
            help=(
                f"one of {', '.join(TokenScope.values)}; repeat or comma-separate for several "
                "(default: read and send)"
            ),
        )
        parser.add_argument(
            "--expires",
            metavar="WHEN",
            help="30d, 12h, a date (valid through that day) or an ISO datetime (default: never)",
        )

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        memberships = Membership.objects.filter(user=user).select_related("workspace")
        if options["workspace"]:
            memberships = memberships.filter(workspace__slug=options["workspace"])
        memberships = list(memberships[:2])
        if not memberships:
            where = f" of workspace {options['workspace']!r}" if options["workspace"] else ""
            raise CommandError(f"user {user.username!r} is not a member{where}")
        if len(memberships) > 1:
            raise CommandError(
                f"user {user.username!r} belongs to several workspaces; pass --workspace"
            )
        workspace = memberships[0].workspace
        expires_at = _expiry(options["expires"]) if options["expires"] else None
        try:
            token, raw = create_api_token(
                user,
                workspace,
                options["name"],
                scopes=_scopes(options["scope"]),
                expires_at=expires_at,
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from exc
        print_json(
            self,
            {
                "token": raw,
                "id": token.pk,
                "prefix": token.prefix,
                "name": token.name,
                "scopes": token.scopes,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                "user": user.username,
                "workspace": workspace.slug,
            },
        )
