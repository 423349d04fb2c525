"""Output serializers, rendered fast: what ``SomeOut(instance).data`` gives, at a fraction of
the cost, for large read-only documents (the board: 500 sites, ~40,000 fields).

DRF renders each field through ``get_attribute`` (a source lookup loop, a callable check, an
``ObjectDoesNotExist`` guard) and walks ``_readable_fields`` again for every nested object;
at national scale that was a quarter of ``GET /api/v1/board/`` (``bench emergency``). Here the
serializer's fields are walked once per class into a plan, and each instance is rendered by
that plan: a dict key read where the source is a plain key of a mapping, DRF's own
``get_attribute`` and ``to_representation`` everywhere else. The serializer stays the one
statement of the shape (and of the OpenAPI schema); tests compare the two renderings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject

Render = Callable[[Any], Any]

# Leaf fields whose ``to_representation`` is exactly this builtin (DRF 3.x).
_BUILTINS: dict[type, Render] = {
    drf_fields.IntegerField: int,
    drf_fields.FloatField: float,
    drf_fields.CharField: str,
}


def _leaf(field: drf_fields.Field) -> Render:
    return _BUILTINS.get(type(field), field.to_representation)


def _compile(field: drf_fields.Field) -> Render:
    """How to render a non-``None`` value of ``field``."""
    if isinstance(field, serializers.ListSerializer):
        child = _compile(field.child)
        # As ListSerializer.to_representation: no None check on items.
        return lambda items: [child(item) for item in items]
    if isinstance(field, serializers.Serializer):
        return _object(field)
    if type(field) is drf_fields.DictField:
        child = _compile(field.child)
        return lambda value: {
            str(key): None if item is None else child(item) for key, item in value.items()
        }
    if type(field) is drf_fields.ListField:
        child = _compile(field.child)
        return lambda value: [None if item is None else child(item) for item in value]
    return _leaf(field)


def _object(serializer: serializers.Serializer) -> Render:
    plan = []
    for field in serializer._readable_fields:
        plain_key = field.source_attrs[0] if len(field.source_attrs) == 1 else None
        plan.append((field.field_name, plain_key, field, _compile(field)))

    def render(instance: Any) -> dict[str, Any]:
        out = {}
        is_mapping = isinstance(instance, Mapping)
        for name, key, field, child in plan:
            value = instance.get(key, _MISSING) if is_mapping and key is not None else _MISSING
            if value is _MISSING or callable(value):
                # Anything but a plain key present: DRF's own lookup (defaults, SkipField...).
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject):
                    value = value if value.pk is not None else None
            out[name] = None if value is None else child(value)
        return out

    return render


_MISSING = object()


@cache
def _renderer(serializer_class: type[serializers.Serializer]) -> Render:
    return _object(serializer_class())


def represent(serializer_class: type[serializers.Serializer], instance: Any) -> dict[str, Any]:
    """``serializer_class(instance).data`` as a plain dict (same keys, order and values), for
    output serializers without context-dependent fields (no request-built URLs). The plan is
    built once per class."""
    return _renderer(serializer_class)(instance)
