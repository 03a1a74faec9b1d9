"""Every string a client can send through the API is bounded: each string property of every
request body in the OpenAPI schema has a maxLength (or is an enum, or has a bounded format such
as date / uuid / binary), so a new serializer field cannot slip in unbounded."""

from typing import Any

from drf_spectacular.generators import SchemaGenerator

# Formats whose values are bounded by their syntax (or are files, bounded by the upload limit).
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "binary", "decimal", "ipv4", "ipv6"}


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return components[ref.rsplit("/", 1)[-1]]
    return schema


def _unbounded(
    schema: dict[str, Any], components: dict[str, Any], where: str, seen: set[str]
) -> list[str]:
    ref = schema.get("$ref")
    if ref:
        if ref in seen:
            return []
        seen = seen | {ref}
    schema = _resolve(schema, components)
    found: list[str] = []
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            found += _unbounded(part, components, where, seen)
    if schema.get("readOnly"):
        return found
    kind = schema.get("type")
    if kind == "string":
        if not (
            "maxLength" in schema or "enum" in schema or schema.get("format") in BOUNDED_FORMATS
        ):
            found.append(where)
    elif kind == "array" and "items" in schema:
        found += _unbounded(schema["items"], components, f"{where}[]", seen)
    for name, prop in (schema.get("properties") or {}).items():
        if _resolve(prop, components).get("readOnly") or prop.get("readOnly"):
            continue
        found += _unbounded(prop, components, f"{where}.{name}", seen)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        found += _unbounded(extra, components, f"{where}{{}}", seen)
    return found


def test_every_request_string_has_a_max_length() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema.get("components", {}).get("schemas", {})
    unbounded: list[str] = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            for media, content in body.get("content", {}).items():
                where = f"{method.upper()} {path} ({media})"
                unbounded += _unbounded(content.get("schema", {}), components, where, set())
    assert not sorted(set(unbounded)), "unbounded request strings:\n" + "\n".join(
        sorted(set(unbounded))
    )
