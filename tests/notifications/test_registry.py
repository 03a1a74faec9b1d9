"""The registry of notification kinds: apps register them, an unknown kind is refused, and every
registered kind renders a sentence and a link from its context."""

from typing import Any

import pytest

from notifications import registry
from notifications.registry import Audience, NotificationKind, Rendered, UnknownNotificationKind
from notifications.services import notification_send
from recruitment.notifications import KINDS, Kind

pytestmark = pytest.mark.django_db

CAMPAIGN = {
    "campaign_id": "cmp_test",
    "campaign": "Glow Serum Summer Launch",
    "brand": "Glow Skincare",
    "org_slug": "acme",
}
CONTEXTS: dict[str, dict[str, Any]] = {
    Kind.INVITATION_RECEIVED: {"fee": "USD 150.00", "deadline": "June 3", "message": "Hi!"},
    Kind.INVITATION_ANSWERED: {"creator": "Maya Lopez", "creator_id": "crp_1", "verb": "accepted"},
    Kind.INVITATION_WITHDRAWN: {},
    Kind.APPLICATION_RECEIVED: {"creator": "Maya Lopez", "creator_id": "crp_1", "pitch": "Me!"},
    Kind.APPLICATION_DECIDED: {"decision": "declined", "reason": "Too many skincare creators"},
    Kind.PARTICIPATION_CANCELLED: {},
    Kind.DEADLINE_REMINDER: {"deadline": "June 3"},
}
EXPECTED_TITLES = {
    Kind.INVITATION_RECEIVED: "Glow Skincare invited you to Glow Serum Summer Launch",
    Kind.INVITATION_ANSWERED: "Maya Lopez accepted your invitation to Glow Serum Summer Launch",
    Kind.INVITATION_WITHDRAWN: "Glow Skincare withdrew its invitation to Glow Serum Summer Launch",
    Kind.APPLICATION_RECEIVED: "Maya Lopez applied to Glow Serum Summer Launch",
    Kind.APPLICATION_DECIDED: "Your application to Glow Serum Summer Launch was not accepted",
    Kind.PARTICIPATION_CANCELLED: "Glow Skincare took you off Glow Serum Summer Launch",
    Kind.DEADLINE_REMINDER: "2 days left to answer Glow Skincare's invitation",
}


def test_sending_an_unknown_kind_is_refused(tenant_a):
    with pytest.raises(UnknownNotificationKind):
        notification_send(
            kind="draft_aproved",  # a typo must not become a row nobody can render
            recipients=[tenant_a.owner],
            organization=tenant_a.org,
            context={},
        )
    with pytest.raises(UnknownNotificationKind):
        registry.kind_get("no_such_kind")


def test_a_key_cannot_be_registered_twice_with_another_meaning():
    taken = registry.kind_get(Kind.APPLICATION_RECEIVED)
    with pytest.raises(ValueError, match="already registered"):
        registry.register(
            NotificationKind(taken.key, "Something else", Audience.CREATORS, taken.render)
        )
    assert registry.register(taken) is taken  # registering the same kind again is harmless


def test_every_recruitment_kind_is_registered():
    assert {k.key for k in KINDS} == set(Kind)
    assert set(Kind) <= set(registry.kinds())


@pytest.mark.parametrize("kind", list(Kind), ids=str)
def test_each_recruitment_kind_renders_a_sentence_and_a_link(kind):
    rendered = registry.kind_get(kind).render(CAMPAIGN | CONTEXTS[kind])
    assert isinstance(rendered, Rendered)
    assert rendered.title == EXPECTED_TITLES[kind]
    assert rendered.url.startswith("/")
    assert "_" not in rendered.title  # a sentence, not a code


def test_brand_side_kinds_link_to_the_campaigns_pages_and_creator_side_ones_to_my_work():
    received = registry.kind_get(Kind.APPLICATION_RECEIVED).render(
        CAMPAIGN | CONTEXTS[Kind.APPLICATION_RECEIVED]
    )
    assert received.url == "/o/acme/campaigns/cmp_test/applications/"
    decided = registry.kind_get(Kind.APPLICATION_DECIDED).render(
        CAMPAIGN | CONTEXTS[Kind.APPLICATION_DECIDED]
    )
    assert decided.url == "/creator/work/"
    assert 'Glow Skincare said: "Too many skincare creators"' in decided.body
