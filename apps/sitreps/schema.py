"""The sitrep POSTs in the OpenAPI schema: their request bodies take no field beyond those
declared (``apps.sitreps.unknown``), which the schema states as ``additionalProperties:
false`` on every object schema the request bodies use."""

from __future__ import annotations

from typing import Any

REF_PREFIX = "#/components/schemas/"


def forbid_unknown_fields(result, generator, request, public):
    """drf-spectacular post-processing hook: mark the request schemas of every
    ``sitreps_<kind>_create`` operation (and the object schemas they reach) as closed."""
    components = result.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def close(schema: Any) -> None:
        if isinstance(schema, list):
            for item in schema:
                close(item)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            name = ref.removeprefix(REF_PREFIX)
            if name not in seen and name in components:
                seen.add(name)
                close(components[name])
            return
        if schema.get("type") == "object" and "properties" in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            close(value)

    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            operation_id = operation.get("operationId", "")
            if operation_id.startswith("sitreps_") and operation_id.endswith("_create"):
                close(operation.get("requestBody", {}))
    return result
