"""Notification factories: rows written directly (no registry, no e-mail), to set the scene.

NotificationFactory(recipient=user)                          # a personal notice
NotificationFactory(recipient=user, organization=org)        # from one organization
"""

import factory

from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory("tests.factories.organizations.UserFactory")
    organization = None
    kind = "invitation_received"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/creator/work/"
