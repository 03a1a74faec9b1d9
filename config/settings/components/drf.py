"""Django REST framework and the OpenAPI schema."""

from config.env import env

# Requests per window (organizations.api_throttling): per API key, per signed-in user, and
# failed authentications per client address. Over the limit: 429 with Retry-After.
CHORUS_API_THROTTLE_RATES = {
    "key": env.str("API_THROTTLE_KEY_RATE", default="1000/min"),
    "user": env.str("API_THROTTLE_USER_RATE", default="1000/min"),
    "failed_auth": env.str("API_THROTTLE_FAILED_AUTH_RATE", default="60/min"),
}
CHORUS_API_THROTTLE_NAMESPACE = ""

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
    "DEFAULT_THROTTLE_CLASSES": ["organizations.api_throttling.ApiRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Chorus API",
    "DESCRIPTION": (
        "Run micro-creator campaigns programmatically. Authenticate with an organization API key: "
        "`Authorization: Bearer chorus_…`. The creator endpoints under `/api/v1/creator/` use "
        "the creator's portal session instead. Errors are `{code, message, fields}`. "
        "Requests are throttled per API key and per user (by default 1,000 a minute) and failed "
        "authentication per client address (60 a minute): over the limit the answer is 429 "
        "with a `Retry-After` header (seconds)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set where two sets share a field name across several components
    # (applications and submissions both take a ``decision``).
    "ENUM_NAME_OVERRIDES": {
        "DecisionEnum": "recruitment.services.DECISIONS",
        "ReviewDecisionEnum": "submissions.models.ReviewDecision.Decision",
        "ReviewStateEnum": "submissions.models.ReviewState",
        "PayoutStateEnum": "payouts.models.Payout.State",
        "ConversionSourceEnum": "analytics.models.Conversion.Source",
        "StorePlatformEnum": "analytics.models.StoreConnection.Platform",
        "PlatformEnum": "platforms.types.Platform",
        "SourceEnum": "discovery.models.InviteBatch.Source",
        # A campaign's dashboard model and a credit's model are the same set (last touch, linear,
        # time decay).
        "CreditModelEnum": "campaigns.models.Campaign.CreditModel",
    },
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every error status an operation can answer, with the {code, message, fields} shape, and
    # the input the API refuses (NUL characters): core.api.schema (429 with Retry-After included;
    # the limits themselves are in DESCRIPTION above).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.document_errors",
        "core.api.schema.forbid_nul_characters",
    ],
}
