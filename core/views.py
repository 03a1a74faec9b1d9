"""The one view every stored file is fetched through (see ``core.files``)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from core import files
from core.errors import ChorusError


@require_safe
def file_serve(request: HttpRequest, kind: str, file_id: str) -> HttpResponseBase:
    """Answer with the file when an app's authorizer says this requester may see it; otherwise
    404, the same for missing, someone else's and not-signed-in (no existence leak)."""
    served = files.authorize_file(request, kind, file_id)
    if served is None or not served.storage.exists(served.key):
        raise Http404("No such file.")
    return files.file_response(served)


# No CSRF token: the form is the same one posted to S3, and its signed token is itself bound to
# the signed-in user and one key, which a cross-site page cannot obtain. (Also, exempting lets
# the view read the body as a stream instead of the CSRF check buffering it first.)
@csrf_exempt
@require_POST
def direct_upload(request: HttpRequest) -> HttpResponse:
    """The local-storage twin of an S3 presigned POST (``files.direct_upload_request``): 204 when
    the file is stored under the token's key, else ``{code, message, fields}``."""
    if not request.user.is_authenticated:  # refused before a byte of the body is read
        error = ChorusError("not_authenticated", "Sign in to upload.", status_code=403)
    else:
        try:
            files.direct_upload_receive(request)
        except ChorusError as refused:
            error = refused
        else:
            return HttpResponse(status=204)
    return JsonResponse(error.as_dict(), status=error.status_code)
