"""Creators are global users, not tenant members."""

from django.conf import settings
from django.db import models

from core.models import PublicIdModel


class CreatorProfile(PublicIdModel):
    public_id_prefix = "cre"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_profile")
    display_name = models.CharField(max_length=80)
    bio = models.TextField(blank=True, max_length=1000)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")

    class Meta:
        ordering = ("display_name",)

    def __str__(self) -> str:
        return self.display_name
