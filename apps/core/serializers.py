"""Input serializers that refuse what they do not define.

DRF drops a key its serializer does not declare, so ``{"status": "done"}`` posted to create an
action was a 201 with the action left open, and the caller never learnt the field means
nothing there. A staff write (an action, a call, an acknowledgement) is a decision on the
record: a field it does not take is an error the caller must see. (Sitreps have the same rule,
with the archive's redaction on top, in ``apps.sitreps.unknown``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field: this request does not take it."


def undeclared_keys(serializer: serializers.Serializer, data: Mapping) -> list[str]:
    """The keys of ``data`` that ``serializer`` does not take: not a field of it, or a
    read-only one. The one test of "unknown field" (here and ``apps.sitreps.unknown``)."""
    fields = serializer.fields
    return [key for key in data if key not in fields or fields[key].read_only]


class KnownFieldsSerializer(serializers.Serializer):
    """A serializer whose input may hold only its declared, writable fields.

    ``to_internal_value`` adds ``{key: [UNKNOWN_FIELD]}`` for each other key of the object
    (beside the fields' own errors, in one 400); nested serializers of this class check their
    own objects, so ``{"declarations": [{"0": ...}]}`` is named where it stands. Raises
    ``ValidationError``.
    """

    def to_internal_value(self, data: Any) -> Any:
        unknown = {}
        if isinstance(data, Mapping):
            fields = self.fields
            unknown = {
                key: [UNKNOWN_FIELD] for key in data if key not in fields or fields[key].read_only
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
