"""The one view every stored file is fetched through (see ``core.files``)."""

from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

from core import files


@require_safe
def file_serve(request: HttpRequest, kind: str, file_id: str) -> HttpResponseBase:
    """Answer with the file when an app's authorizer says this requester may see it; otherwise
    404, the same for missing, someone else's and not-signed-in (no existence leak)."""
    served = files.authorize_file(request, kind, file_id)
    if served is None or not served.storage.exists(served.key):
        raise Http404("No such file.")
    return files.file_response(served)
