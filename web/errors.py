"""Error pages: JSON ``{code, message, fields}`` under /api/, friendly HTML elsewhere."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _respond(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)
    return render(
        request, "errors/error.html", {"status": status, "message": message}, status=status
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = (
        str(exception.args[0])
        if exception and exception.args and isinstance(exception.args[0], str)
        else ""
    )
    # Django's resolver puts a dict in args; only our own messages are shown.
    return _respond(
        request, 404, "not_found", detail or "There is nothing here, or it is not yours to see."
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    detail = (
        str(exception) if exception and str(exception) else "You do not have permission to do this."
    )
    return _respond(request, 403, "permission_denied", detail)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _respond(request, 400, "bad_request", "The request could not be understood.")


def server_error(request: HttpRequest) -> HttpResponse:
    message = "Something went wrong on our side. We have been told; please try again."
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": message, "fields": {}}, status=500)
    try:
        return render(request, "errors/error.html", {"status": 500, "message": message}, status=500)
    except Exception:  # the page itself may be what is broken: fall back to plain HTML
        return HttpResponse(f"<h1>Something went wrong</h1><p>{message}</p>", status=500)
