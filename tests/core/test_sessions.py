"""Logged-in users stay logged in when the cache (Redis) is emptied or restarted: sessions are
stored in the database and only read through the cache."""

from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.conftest import Tenant


def test_a_session_survives_the_cache_being_emptied(db: None, tenant_a: Tenant) -> None:
    assert settings.SESSION_ENGINE == "core.sessions"  # cached_db that survives a cache outage
    client = Client()
    client.force_login(tenant_a.owner)
    assert client.get("/o/acme/").status_code == 200

    cache.clear()  # what a Redis restart without persistence does to every key

    response = client.get("/o/acme/")
    assert response.status_code == 200, "the user was logged out by a cache restart"
    assert response.wsgi_request.user == tenant_a.owner
