"""Create an organization API key for scripts and operators: prints the key once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.errors import ChorusError
from organizations.access import OrgAccess
from organizations.models import Organization
from organizations.roles import Role
from organizations.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an organization and print it (it is shown only this once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("org_slug")
        parser.add_argument("--name", default="Operator key")
        parser.add_argument(
            "--role", default=Role.ADMIN, choices=[r for r in Role.values if r != Role.OWNER]
        )

    def handle(self, *args: Any, org_slug: str, name: str, role: str, **options: Any) -> None:
        org = Organization.objects.filter(slug=org_slug).first()
        if org is None:
            raise CommandError(f"No organization with slug {org_slug!r}.")
        # An operator acts with owner rights on the organization they name.
        access = OrgAccess(organization=org, role=Role.OWNER)
        try:
            key, raw = api_key_create(access=access, name=name, role=role)
        except ChorusError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Created {key.name} ({key.prefix}…) for {org.name} with role {role}.")
        self.stdout.write(raw)
