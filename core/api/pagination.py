"""Page-number pagination that refuses what it cannot read, and says so in the schema.

DRF's own quietly falls back to the default size for ``?page_size=abc`` or ``0`` and answers
``?page=0`` with a 404 ("invalid page"): the schema promised an integer and the answer did not
match. Here a page or a size that is not a whole number in range is a 400 naming the parameter,
and the schema carries the bounds. A page past the last one is still a 404 (documented).
"""

from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request
from rest_framework.views import APIView

MAX_PAGE_SIZE = 200


def _whole_number(request: Request, name: str, minimum: int, maximum: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum else f"{minimum} or more"
        raise exceptions.ValidationError({name: [f"A whole number {bound}."]})
    return value


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(
        self, queryset: Any, request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        _whole_number(request, self.page_query_param, 1, None)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request: Request) -> int:
        size = _whole_number(request, self.page_size_query_param, 1, self.max_page_size)
        return size if size is not None else self.page_size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_query_param:
                param["schema"] = {"type": "integer", "minimum": 1}
                param["description"] = "Page number, from 1; past the last page answers 404."
            elif param["name"] == self.page_size_query_param:
                param["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
                param["description"] = f"Results per page, 1 to {self.max_page_size}."
        return params
