"""``manage.py conversions_test_order <shop domain> [--url …]``: send a signed Shopify
``orders/create`` test order over HTTP to our webhook endpoint, as Shopify would."""

from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.conversions_stores import unscoped_store_by_domain
from analytics.conversions_testorder import signed_test_order
from core.links import absolute_url


class Command(BaseCommand):
    help = "Send a signed test order for a connected Shopify store through the webhook endpoint."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("shop_domain", help="e.g. glow-demo.myshopify.com")
        parser.add_argument("--url", default="", help="The endpoint (default: this site's).")

    def handle(self, *args: Any, **options: Any) -> None:
        store = unscoped_store_by_domain(str(options["shop_domain"]).strip().lower())
        if store is None:
            raise CommandError("No connected store has this domain.")
        url = options["url"] or absolute_url("/webhooks/shopify/")
        body, headers = signed_test_order(store)
        try:
            answer = httpx.post(url, content=body, headers=headers, timeout=15)
        except httpx.HTTPError as exc:
            raise CommandError(f"Could not reach {url}: {exc}") from exc
        if answer.status_code != 200:
            raise CommandError(f"Refused ({answer.status_code}): {answer.text[:300]}")
        self.stdout.write(
            self.style.SUCCESS(f"Test order {answer.json().get('status')}: {answer.text}")
        )
