"""The API's django-filter backend: a filter given with a blank value is refused, not ignored.

django-filter reads ``?visibility=`` as "no filter", so a client that meant to filter gets
everything, and the schema's enum says the blank is not a value. Text filters (ids, e-mail) keep
their meaning: a blank one matches nothing in particular and is no error.
"""

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.request import Request


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            blank = {
                name: ["Give a value, or leave the parameter out."]
                for name, flt in filterset.filters.items()
                if not isinstance(flt, django_filters.CharFilter)
                and name in request.query_params
                and not request.query_params[name].strip()
            }
            if blank:
                raise exceptions.ValidationError(blank)
        return super().filter_queryset(request, queryset, view)
