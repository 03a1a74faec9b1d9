from typing import Any

from rest_framework import serializers

from core.links import absolute_url


class AbsoluteLinkField(serializers.CharField):
    """A site path turned into an absolute link on the host the API was called on."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return absolute_url(str(value), self.context.get("request"))
