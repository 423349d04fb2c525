"""Each kind of sitrep plugs into the one ingest path (``apps.sitreps.services.sitrep_ingest``)
with a ``SitrepHandler``: the same four steps, under the same names, for every kind.

1. ``input_serializer`` — the body's **shape only** (types, required fields, lengths, choices,
   formats). No database, no organisation, no cross-item rules: a body that passes is
   well-formed, not yet acceptable. Its declared fields are the whole contract: the ingest
   refuses any other key, at any depth, and keeps no value of one (``apps.sitreps.unknown``;
   a custom field reading a list of objects names their shape in ``item_serializer``).
2. ``resolve(*, organisation, data, now)`` — everything else that can refuse the sitrep, before
   anything is written: the organisation-scope check (``apps.core.scope.
   organisation_scope_check``, 403), the estate checks (unknown site/ward/bed...) and the
   domain rules (from the app's ``rules.py``). It raises ``apps.core.exceptions.
   ApplicationError`` (400 with DRF-style field paths such as ``wards.2.ward``, or 403 via
   ``ApplicationError.forbidden``) and returns what ``apply`` needs (model objects, not codes).
3. ``apply(*, submission, resolved)`` — writes, inside the ingest transaction (with the
   archived ``Submission``); returns ``Applied`` (extra fields of the 201 body). A rule that
   needs the held state under lock (a record filled in over several posts, merged with what
   a concurrent post wrote) may raise ``ApplicationError`` here: the transaction rolls back
   whole and the submission is archived as rejected with that answer.
4. ``recompute(submissions)`` — after commit, from the recompute outbox: refresh derived
   figures for these accepted submissions. Idempotent. Returns the names of what changed
   (``"beds:RWE-LRI"``, ``"mofd:RWE"``...) for the live board and the alert evaluation.

Plus ``allowed(organisation)``: may this organisation send this kind at all (403 otherwise)?

**Naming.** Each app keeps its plug-in in ``apps/<app>/sitrep.py``: the functions
``<kind>_sitrep_resolve``, ``<kind>_sitrep_apply`` and ``<kind>_sitrep_recompute`` (``<kind>``
is the ``SitrepKind`` value: ``beds``, ``handovers``, ``discharge``, ``virtual_wards``), which
call the app's ``rules``/``selectors``/``services``, and ends with
``register(SitrepHandler(kind=..., input_serializer=..., allowed=..., resolve=...,
apply=..., recompute=...))``. The app's ``AppConfig.ready`` imports ``sitrep``. Serializers
and services never import ``sitrep`` (no cycles).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rest_framework import serializers

if TYPE_CHECKING:
    from apps.beds.models import Organisation

    from .models import Submission


@dataclass
class Applied:
    """What ``apply`` did: extra fields for the 201 body (kept on the submission, where the
    recompute reads what it must cover)."""

    response: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SitrepHandler:
    """One kind's plug-in: the four steps (see the module docstring for each one's contract).

    - ``allowed(organisation) -> bool``
    - ``resolve(*, organisation, data, now) -> resolved`` (raises ``ApplicationError``)
    - ``apply(*, submission, resolved) -> Applied``
    - ``recompute(submissions: list[Submission]) -> set[str]``
    """

    kind: str
    input_serializer: type[serializers.Serializer]
    allowed: Callable[[Organisation], bool]
    resolve: Callable[..., Any]
    apply: Callable[..., Applied]
    recompute: Callable[[list[Submission]], set[str]]


_handlers: dict[str, SitrepHandler] = {}


def register(handler: SitrepHandler) -> SitrepHandler:
    """Plug ``handler`` in for its kind (replacing any before it)."""
    _handlers[str(handler.kind)] = handler
    return handler


def handler_for(kind: str) -> SitrepHandler:
    """The handler of ``kind``; ``KeyError`` if none is registered."""
    return _handlers[kind]


def handlers() -> dict[str, SitrepHandler]:
    """Every registered handler by kind (a copy)."""
    return dict(_handlers)
