"""Django REST framework and the OpenAPI schema."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.api_auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint must declare the scope it needs (organizations.api_base).
    "DEFAULT_PERMISSION_CLASSES": ["organizations.api_permissions.HasRequiredScope"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Request bodies are JSON; the two uploads (brief assets, invite-batch CSV) set multipart
    # on their own views. Form-encoded bodies made every operation offer three encodings and
    # let a nested list (deliverables) or a list of ids be mangled.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {"api_key": "1200/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Chorus API",
    "DESCRIPTION": (
        "Run micro-creator campaigns programmatically. Authenticate with an organization API key: "
        "`Authorization: Bearer chorus_…`. The creator endpoints under `/api/v1/creator/` use "
        "the creator's portal session instead. Errors are `{code, message, fields}`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every error status an operation can answer, with the {code, message, fields} shape, and
    # the input the API refuses (NUL characters): core.api.schema.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
        "core.api.schema.forbid_nul_characters",
    ],
}
