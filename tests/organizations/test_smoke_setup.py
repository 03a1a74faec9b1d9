from organizations.models import Membership


def test_personas_have_their_memberships(tenant_a, tenant_b, stranger):
    assert Membership.objects.filter(user=tenant_b.owner).count() == 2
    assert not Membership.objects.filter(user=stranger).exists()


def test_api_key_lists_only_its_own_members(tenant_a, tenant_b, api_client_for):
    response = api_client_for(tenant_b).get("/api/v1/members/")
    assert response.status_code == 200, response.content
    emails = {m["email"] for m in response.json()["results"]}
    assert emails == {"bea@example.com"}
