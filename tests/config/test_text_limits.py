"""Every text a user can type is bounded in the model and the form (the API is checked through
the OpenAPI schema in test_openapi_string_limits.py), so a new field cannot slip in unbounded."""

import importlib
import inspect

from django import forms
from django.apps import apps
from django.db import models

APPS = ("campaigns", "creators", "organizations", "discovery", "recruitment")


def test_every_user_text_field_in_the_models_is_bounded() -> None:
    unbounded = [
        f"{model.__name__}.{field.name}"
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.editable
        and not field.max_length
        and not any(getattr(v, "limit_value", None) for v in field.validators)
    ]
    assert unbounded == []


def test_every_text_input_of_the_forms_has_a_max_length() -> None:
    unbounded = []
    for app in APPS:
        try:
            module = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            unbounded += [
                f"{app}.{name}.{field_name}"
                for field_name, field in cls.base_fields.items()
                if isinstance(field, forms.CharField) and field.max_length is None
            ]
    assert unbounded == []
