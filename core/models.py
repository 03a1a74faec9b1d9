"""Abstract bases shared by every app."""

from typing import ClassVar

from django.db import models

from core.ids import new_public_id


class PublicIdModel(models.Model):
    """A model addressed from URLs and the API by an opaque id such as ``org_4kq…``."""

    public_id_prefix: ClassVar[str] = "obj"

    public_id = models.CharField(max_length=32, unique=True, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.public_id:
            self.public_id = new_public_id(self.public_id_prefix)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
