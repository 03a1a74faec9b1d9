"""Issue 7 (Words): changing a member's role asks to confirm, naming the person and the new role.

The owner picks a new role on the Members page and presses Save: the browser asks "Change the
role of … to …?". Cancelling keeps the role (nothing is sent); confirming changes it.
"""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Dialog, Page, expect

from organizations.models import Membership
from organizations.roles import Role
from tests.conftest import Tenant
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_changing_a_role_asks_to_confirm_and_cancel_keeps_it(
    new_page: Callable[..., Page], tenant_a: Tenant, screenshot: Callable[..., Any]
) -> None:
    reviewer = tenant_a.add_member(Role.REVIEWER, email="rita@acme.example")
    membership = Membership.objects.get(user=reviewer)
    page = new_page()
    log_in(page, tenant_a.owner.email)
    page.goto(f"/o/{tenant_a.org.slug}/members/")
    row = page.locator(f"#member-{membership.public_id}")
    row.get_by_label("Role of rita@acme.example", exact=True).select_option(Role.ADMIN)

    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.once("dialog", dismiss)
    row.get_by_role("button", name="Save role of rita@acme.example").click()
    expect(row.get_by_label("Role of rita@acme.example", exact=True)).to_be_visible()
    page.wait_for_timeout(300)  # a submitted form would have navigated by now
    assert asked == ["confirm: Change the role of rita@acme.example to Admin?"]
    membership.refresh_from_db()
    assert membership.role == Role.REVIEWER, "cancelled: the role must not change"
    assert page.url.endswith(f"/o/{tenant_a.org.slug}/members/")

    # Confirmed: the role changes and the page says so.
    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    with page.expect_navigation():
        row.get_by_role("button", name="Save role of rita@acme.example").click()
    assert asked[-1] == "Change the role of rita@acme.example to Admin?"
    expect(page.locator(".messages")).to_contain_text("rita@acme.example is now admin.")
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    screenshot(page, "role-changed", full_page=False)
