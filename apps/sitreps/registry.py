"""Each kind of sitrep plugs into the one ingest path with a handler.

A handler validates with its input serializer (context: ``organisation``, ``now``), applies the
validated data inside the ingest transaction, and recomputes derived figures afterwards.
Scope failures (another organisation's site, ward...) raise ``ScopeError`` from validation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from rest_framework import serializers

if TYPE_CHECKING:
    from apps.beds.models import Organisation

    from .models import Submission


@dataclass
class Applied:
    """What ``apply`` did: extra fields for the 201 body (kept on the submission, where the
    recompute reads what it must cover)."""

    response: dict[str, Any] = field(default_factory=dict)


class SitrepHandler(Protocol):
    kind: str
    input_serializer: type[serializers.Serializer]

    def allowed(self, organisation: Organisation) -> bool:
        """May this organisation send this kind at all? (403 otherwise)."""

    def apply(self, *, submission: Submission, data: dict[str, Any]) -> Applied:
        """Write the validated sitrep; runs inside the ingest transaction. May raise DRF's
        ``ValidationError`` for a rule that needs the held state under lock (400, nothing
        applied)."""

    def recompute(self, submissions: Iterable[Submission]) -> set[str]:
        """Refresh derived figures for these accepted submissions; idempotent.

        Returns the names of what changed (e.g. ``"beds:RWE-LRI"``) for the live board.
        """


_handlers: dict[str, SitrepHandler] = {}


def register(handler: SitrepHandler) -> SitrepHandler:
    _handlers[handler.kind] = handler
    return handler


def handler_for(kind: str) -> SitrepHandler:
    return _handlers[kind]


def handlers() -> dict[str, SitrepHandler]:
    return dict(_handlers)
