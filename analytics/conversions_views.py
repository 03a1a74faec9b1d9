"""Store connections page (``/o/<org>/stores/``): brand admins connect a Shopify store, remove
it, send a signed test order through the real webhook endpoint, and see (and retry) the
deliveries that could not be recorded. Thin."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.test import RequestFactory
from django.views.decorators.http import require_POST

from analytics.conversions_stores import (
    store_connect,
    store_disconnect,
    store_get_for_access,
    stores_for_access,
)
from analytics.conversions_testorder import signed_test_order
from analytics.shopify_inbox import (
    deliveries_failed_for_access,
    delivery_get_for_access,
    shopify_delivery_retry,
)
from analytics.webhooks_shopify import shopify_webhook
from core.errors import ChorusError
from organizations.access import OrgAccess
from organizations.models import Brand
from organizations.roles import Scope
from organizations.tenancy import org_view


class StoreForm(forms.Form):
    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), empty_label=None)
    shop_domain = forms.CharField(
        label="Store domain",
        max_length=255,
        help_text="The permanent domain, such as acme-shoes.myshopify.com.",
    )
    secret = forms.CharField(
        label="Webhook signing secret",
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Your Shopify app's client secret (or the key shown under Settings → "
        "Notifications → Webhooks). Stored encrypted; never shown again.",
    )

    def __init__(self, *args: object, access: OrgAccess, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        brands = Brand.objects.for_access(access).order_by("name")
        self.fields["brand"].queryset = brands  # type: ignore[attr-defined]
        self.fields["brand"].to_field_name = "public_id"  # type: ignore[attr-defined]


@org_view(Scope.BRANDS_READ)
def stores_page(request: HttpRequest, access: OrgAccess) -> HttpResponse:
    can_manage = access.has(Scope.BRANDS_WRITE)
    form = StoreForm(request.POST or None, access=access)
    if request.method == "POST":
        if not can_manage:
            messages.error(request, "Your role cannot connect stores.")
            return redirect("analytics:stores", org_slug=access.organization.slug)
        if form.is_valid():
            try:
                store = store_connect(access=access, **form.cleaned_data)
            except ChorusError as exc:
                field = next(iter(exc.fields), None)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(request, f"{store.shop_domain} is connected.")
                return redirect("analytics:stores", org_slug=access.organization.slug)
    webhook_url = request.build_absolute_uri("/webhooks/shopify/")
    context = {
        "stores": stores_for_access(access),
        "failed_deliveries": deliveries_failed_for_access(access),
        "form": form,
        "can_manage": can_manage,
        "webhook_url": webhook_url,
    }
    return render(request, "analytics/stores.html", context, status=400 if form.errors else 200)


@require_POST
@org_view(Scope.BRANDS_WRITE)
def store_delete(request: HttpRequest, access: OrgAccess, store_id: str) -> HttpResponse:
    store = store_get_for_access(access, store_id)
    store_disconnect(access=access, store=store)
    messages.success(request, f"{store.shop_domain} is disconnected: its webhooks are refused.")
    return redirect("analytics:stores", org_slug=access.organization.slug)


@require_POST
@org_view(Scope.BRANDS_WRITE)
def store_test_order(request: HttpRequest, access: OrgAccess, store_id: str) -> HttpResponse:
    """Through the webhook view itself (HMAC check included), in this process: a server with
    one worker cannot call itself over HTTP."""
    store = store_get_for_access(access, store_id)
    body, headers = signed_test_order(store)
    fake = RequestFactory().post(
        "/webhooks/shopify/",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )
    answer = shopify_webhook(fake)
    result = json.loads(answer.content)
    if answer.status_code == 200:
        messages.success(request, f"Test order sent to {store.shop_domain}: {result['status']}.")
    else:
        messages.error(request, f"The test order was refused: {result.get('message')}")
    return redirect("analytics:stores", org_slug=access.organization.slug)


@require_POST
@org_view(Scope.BRANDS_WRITE)
def store_delivery_retry(request: HttpRequest, access: OrgAccess, delivery_id: str) -> HttpResponse:
    delivery = delivery_get_for_access(access, delivery_id)
    shopify_delivery_retry(access=access, delivery=delivery)
    messages.success(request, f"The {delivery.topic} delivery is queued again.")
    return redirect("analytics:stores", org_slug=access.organization.slug)
