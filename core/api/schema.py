"""What the OpenAPI schema says about errors and input, in one place, so it tells the truth.

- ``ERROR_SCHEMA`` is the one error shape, ``{code, message, fields}`` (the component ``Error``),
  answered by ``core.api.errors.api_exception_handler`` and ``web.errors`` alike.
- ``error_response(description)`` documents one error status of an operation by hand, with that
  shape; ``document_errors`` (a drf-spectacular postprocessing hook) adds every error status an
  operation can answer that it does not document itself, and gives the shape to those that do
  without a body. Which statuses, by rule (see ``statuses_for``), so a new endpoint is covered
  the day it appears.
- ``forbid_nul_characters`` (another hook) says what the API refuses: text with a NUL character
  (DRF's and Django's fields reject it, and PostgreSQL cannot store it).
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse

ERROR_COMPONENT = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error answer: a stable machine-readable code, a message for people "
    "and, for invalid input, the messages per field.",
    "properties": {
        "code": {
            "type": "string",
            "description": "Stable and machine-readable: `invalid`, `not_found`, "
            "`not_authenticated`, `authentication_failed`, `permission_denied`, `throttled`, "
            "or a business rule's code (`duplicate_name`, `campaign_full`, …).",
        },
        "message": {"type": "string", "description": "What went wrong, for people."},
        "fields": {
            "type": "object",
            "description": "Field name → messages (`non_field_errors` for the whole input). "
            "Empty when no field is at fault.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "fields"],
}

# What each error status means on this API; an operation's own description wins.
ERROR_DESCRIPTIONS: dict[str, str] = {
    "400": "Invalid input (`invalid`, with `fields` naming what to fix; an id in the body or the "
    "query string that names nothing of yours is `not_found` on that field), or a business rule "
    "refused it.",
    "401": "No valid API key (`not_authenticated` or `authentication_failed`).",
    "403": "Your role (or the API key's) does not allow this (`permission_denied` or a more "
    "specific code such as `role_not_grantable`).",
    "404": "No such object in your organization (another organization's object answers the "
    "same), or a page past the last one.",
    "409": "The object's current state does not allow it (e.g. `duplicate_name`, "
    "`campaign_full`, `invitation_not_pending`).",
    "415": "The request body is not `application/json` (or `multipart/form-data` where a file "
    "is uploaded).",
    "429": "Too many requests (`throttled`): wait the number of seconds in `Retry-After`.",
}
RETRY_AFTER_HEADER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
NO_NUL_PATTERN = "^[^\\x00]*$"
# What Django's URLValidator takes (http/https, a dotted host name with a letter TLD): a URI as
# JSON Schema's "uri" format allows ("mailto:x", "a:b") is refused, so the schema says so.
HTTP_URL_PATTERN = (
    r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
    r"(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$"
)


def error_response(description: str) -> OpenApiResponse:
    """One documented error status, with the error shape (for ``extend_schema(responses=…)``)."""
    return OpenApiResponse(response=ERROR_SCHEMA, description=description)


def statuses_for(method: str, operation: dict[str, Any]) -> list[str]:
    """The error statuses an operation can answer, by rule.

    400: always (bad input, a bad filter, or a session that does not name its organization);
    401: where an API key is accepted; 403: always (roles, creator-only refusals, CSRF);
    404: where the path names an object or the list is paged; 409: writes; 415: bodies;
    429: always (throttling).
    """
    statuses = ["400", "403", "429"]
    security = operation.get("security") or []
    if any("ApiKey" in item for item in security):
        statuses.append("401")
    params = operation.get("parameters") or []
    if any(p.get("in") == "path" for p in params) or any(
        p.get("in") == "query" and p.get("name") == "page" for p in params
    ):
        statuses.append("404")
    if method in WRITE_METHODS:
        statuses.append("409")
    if "requestBody" in operation:
        statuses.append("415")
    return sorted(statuses)


def _error_content() -> dict[str, Any]:
    return {"application/json": {"schema": ERROR_REF}}


def document_errors(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: every error answer documented, with its shape."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for status in statuses_for(method, operation):
                responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
            for status, response in responses.items():
                if not status.startswith(("4", "5")):
                    continue
                content = response.get("content")
                if not content or all(not c.get("schema") for c in content.values()):
                    response["content"] = _error_content()
                else:  # an inline error schema given by hand: point at the component
                    for media in content.values():
                        if media.get("schema") == ERROR_SCHEMA:
                            media["schema"] = ERROR_REF
                if status == "429":
                    response.setdefault("headers", {}).update(RETRY_AFTER_HEADER)
            operation["responses"] = dict(sorted(responses.items()))
    return result


def _no_nul(schema: Any) -> None:
    """Add the NUL-free pattern to every free-text string in a (request) schema, in place."""
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not (
        {"enum", "format", "pattern", "$ref"} & schema.keys()
    ):
        schema["pattern"] = NO_NUL_PATTERN
    elif schema.get("type") == "string" and schema.get("format") == "uri":
        schema.setdefault("pattern", HTTP_URL_PATTERN)
    for key in ("properties", "patternProperties"):
        for sub in (schema.get(key) or {}).values():
            _no_nul(sub)
    for key in ("items", "additionalProperties", "not"):
        _no_nul(schema.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            _no_nul(sub)


def forbid_nul_characters(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: input text may not hold a NUL character, and a URL
    is an http(s) URL with a host name.

    Request components (``…Request``, split from responses by COMPONENT_SPLIT_REQUEST) and
    parameters get ``pattern: ^[^\\x00]*$`` on free-text strings: the API refuses NUL (400)."""
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _no_nul(schema)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters") or []:
                _no_nul(param.get("schema"))
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _no_nul(media.get("schema"))
    return result
