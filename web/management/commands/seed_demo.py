from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from analytics.conversions_demo import seed_conversions_demo
from analytics.posts_demo import seed_posts_demo
from analytics.pulls_demo import seed_pulls_demo
from campaigns.demo import seed_campaigns_demo
from creators.demo import seed_creators_demo
from discovery.demo import seed_discovery_demo
from recruitment.demo import seed_recruitment_demo
from submissions.demo import seed_submissions_demo
from web.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Load demo data (idempotent): organizations, members in every role, creators with "
        "verified accounts, campaigns, applications and participations, submissions in review, shortlists, "
        "approved live posts on TikTok, Instagram and YouTube (put on the platform simulator), "
        "clicks and attributed orders."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app seeds on top of the one before it, in dependency order, all or nothing.
        with transaction.atomic():
            logins = seed_demo()
            seed_creators_demo()
            seed_campaigns_demo()
            seed_recruitment_demo()
            seed_submissions_demo()
            seed_discovery_demo()
            seed_posts_demo()  # approved posts on three platforms (before their orders)
            seed_conversions_demo()
            seed_pulls_demo()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready. Logins (password: {DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.role:<26} {login.email}")
