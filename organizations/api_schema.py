"""Teach drf-spectacular how API keys authenticate and how the API throttles, so the OpenAPI
schema documents both."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "organizations.api_auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "chorus_<key>",
            "description": "An organization API key, created on the API keys page.",
        }


THROTTLED_RESPONSE = "TooManyRequests"


def document_throttling(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: every operation may answer 429 (organizations.api_throttling), with
    ``Retry-After`` and the error shape. One shared response component, referenced everywhere."""
    from django.conf import settings

    rates = settings.CHORUS_API_THROTTLE_RATES
    components = result.setdefault("components", {})
    components.setdefault("responses", {})[THROTTLED_RESPONSE] = {
        "description": (
            f"Too many requests: at most {rates['key']} per API key, {rates['user']} per "
            f"signed-in user, {rates['failed_auth']} failed authentications per client address. "
            "Wait for `Retry-After` seconds, then retry."
        ),
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before retrying.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string", "enum": ["throttled"]},
                        "message": {"type": "string"},
                        "fields": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                    "required": ["code", "message", "fields"],
                },
                "example": {
                    "code": "throttled",
                    "message": "Too many requests with this API key. Slow down and retry in 12 seconds.",
                    "fields": {},
                },
            }
        },
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in {"get", "post", "put", "patch", "delete"} and isinstance(operation, dict):
                operation.setdefault("responses", {}).setdefault(
                    "429", {"$ref": f"#/components/responses/{THROTTLED_RESPONSE}"}
                )
    return result
