"""Fields a sitrep's contract does not define: refused, and never archived.

Sitreps carry no personal details (DOMAIN.md "Emergency department": only the provider's own
reference), yet DRF serializers ignore a key they do not declare, and the ingest archives the
body as received. So an ED attendance posted with ``nhs_number``, ``name`` or
``date_of_birth`` was accepted and those values kept in ``Submission.payload``. API.md says
nowhere that unknown fields are ignored, for any kind.

One rule for every kind, on the one ingest path (``services.sitrep_ingest``), read from each
kind's ``input_serializer`` (no per-kind list of names): a key that the input serializer does
not declare, at any depth, is an unknown field. The submission is refused (400, the field named
under its item's path, as DRF names shape errors) and its archived payload holds the key with
``REDACTED`` in place of the value.

Why keep the key and drop the value: the archive still shows what the sender got wrong (the
400 names the same path, and an operator can tell the provider which field to stop sending),
while the value, which may be a person's details, is never written anywhere.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from rest_framework import serializers

from apps.core.serializers import undeclared_keys

UNKNOWN_FIELD = (
    "Unknown field: not part of this sitrep, which takes no personal details. "
    "Send only the fields the API defines."
)
# What the archive holds in place of an unknown field's value.
REDACTED = "[not kept: unknown field]"

Path = tuple[str | int, ...]


def unknown_field_paths(shape: serializers.Field, data: Any, path: Path = ()) -> Iterator[Path]:
    """The paths in ``data`` (parsed JSON) of every key ``shape`` does not declare.

    ``shape``: a serializer instance (its ``fields``), a list serializer (``many=True``: each
    item against its ``child``), or a custom field that reads a list of objects and names their
    shape in ``item_serializer`` (``apps.beds.api.serializers.BedListField``). Any other field
    is a leaf: its value is not looked into. Data of the wrong type (a list where an object is
    due...) yields nothing here: the serializer refuses it. Paths are keys and list indexes,
    e.g. ``("attendances", 0, "nhs_number")``. Pure: no database.
    """
    if isinstance(shape, serializers.ListSerializer):
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from unknown_field_paths(shape.child, item, (*path, index))
    elif isinstance(shape, serializers.Serializer):
        if isinstance(data, dict):
            undeclared = set(undeclared_keys(shape, data))
            for key, value in data.items():
                if key in undeclared:
                    yield (*path, key)
                else:
                    yield from unknown_field_paths(shape.fields[key], value, (*path, key))
    elif getattr(shape, "item_serializer", None) is not None and isinstance(data, list):
        item_shape = shape.item_serializer()
        for index, item in enumerate(data):
            yield from unknown_field_paths(item_shape, item, (*path, index))


def redacted(data: Any, paths: list[Path]) -> Any:
    """A copy of ``data`` with the value at each of ``paths`` replaced by ``REDACTED`` (the
    keys kept); ``data`` itself when there is nothing to redact."""
    if not paths:
        return data
    data = copy.deepcopy(data)
    for path in paths:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = REDACTED
    return data


def unknown_field_errors(errors: Any, paths: list[Path]) -> dict[Any, Any]:
    """The serializer's ``errors`` (DRF's tree: dicts keyed by field name and item index) with
    ``UNKNOWN_FIELD`` filed at each of ``paths`` as well, e.g.
    ``{"attendances": {0: {"nhs_number": [UNKNOWN_FIELD]}}}``.

    Where a path runs into a message already filed for a whole item or list (not a dict), that
    message stands and the unknown field is not added below it.
    """
    tree: dict[Any, Any] = {key: copy.deepcopy(value) for key, value in (errors or {}).items()}
    for path in paths:
        node: Any = tree
        for key in path[:-1]:
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                break
        else:
            messages = node.setdefault(path[-1], [])
            if isinstance(messages, list):
                messages.append(UNKNOWN_FIELD)
    return tree
