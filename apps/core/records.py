"""Records filled in over several posts (handovers today; attendances and incidents too).

API.md "Common rules for every sitrep POST": a ``null`` or absent value in a later post means
"not known in this message" and never clears a value already held; a new value corrects it.
The kind's ordering and pairing rules are then checked on the merged record, never on the post
alone (a post that would make the merged record invalid is refused, naming the item).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def record_merge(
    held: Mapping[str, Any] | None, posted: Mapping[str, Any], *, fields: Iterable[str]
) -> dict[str, Any]:
    """The record after a post: for each of ``fields``, the posted value when it is not
    ``None`` (a new value corrects the held one), else the held value (``None`` if nothing is
    held). ``held`` is ``None`` for a record not seen before. Pure: no database, no clock.

    >>> record_merge({"handover_at": 1, "cleared_at": 2}, {"handover_at": None},
    ...              fields=("handover_at", "cleared_at"))
    {'handover_at': 1, 'cleared_at': 2}
    """
    held = held or {}
    merged = {}
    for name in fields:
        value = posted.get(name)
        merged[name] = held.get(name) if value is None else value
    return merged


def merged_from_held(
    held: Mapping[str, Any] | None, posted: Mapping[str, Any], *, fields: Iterable[str]
) -> set[str]:
    """Which of ``fields`` the merged record takes from ``held`` (the post did not state them
    and a value is held): for error messages that say a time was already held."""
    held = held or {}
    return {n for n in fields if posted.get(n) is None and held.get(n) is not None}
