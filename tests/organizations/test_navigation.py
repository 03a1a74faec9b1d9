from django.test import RequestFactory

from organizations.roles import Role
from web.errors import server_error


def test_the_sidebar_offers_api_keys_only_to_roles_that_may_open_them(tenant_a, client_for):
    reviewer = tenant_a.add_member(Role.REVIEWER)
    api_keys_url = f"/o/{tenant_a.org.slug}/settings/api-keys/"

    owner_page = client_for(tenant_a.owner).get(f"/o/{tenant_a.org.slug}/").content.decode()
    reviewer_page = client_for(reviewer).get(f"/o/{tenant_a.org.slug}/").content.decode()

    assert api_keys_url in owner_page
    assert api_keys_url not in reviewer_page
    assert client_for(reviewer).get(api_keys_url).status_code == 403


def test_a_server_error_page_is_friendly_html_and_json_under_the_api(db):
    page = server_error(RequestFactory().get("/o/acme/"))
    api = server_error(RequestFactory().get("/api/v1/members/"))

    assert page.status_code == 500
    assert b"Something went wrong" in page.content
    assert api.status_code == 500
    assert api["Content-Type"] == "application/json"
    assert b'"code": "server_error"' in api.content
