from django.http import Http404, HttpRequest, HttpResponse


def detail(request: HttpRequest, org_slug: str, submission_id: str) -> HttpResponse:
    raise Http404  # the review page: being built
