"""Cross-tenant builders for core's routes: the one file view ``/files/<kind>/<file_id>``.

The harness attacks it with the victim's brief asset (a real stored file): another tenant's
member must get 404. Profile photos (the other kind) are tested in tests/core/test_files.py.
"""

from tests.cross_tenant.objects_campaigns import victim_asset
from tests.cross_tenant.registry import Owner, url_param


@url_param("kind")
def kind(owner: Owner) -> str:
    return "brief-asset"


@url_param("file_id")
def file_id(owner: Owner) -> str:
    return victim_asset(owner)
