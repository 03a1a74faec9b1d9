from typing import Any

from django.core.management.base import BaseCommand

from web.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load demo data (idempotent): organizations, members in every role, creators."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<26} {login.email}")
