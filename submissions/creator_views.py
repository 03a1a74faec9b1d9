from django.http import Http404, HttpRequest, HttpResponse


def slot_page(request: HttpRequest, slot_id: str) -> HttpResponse:
    raise Http404  # the creator's slot page: being built
