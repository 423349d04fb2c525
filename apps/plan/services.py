"""Writes: loading the plan (all or nothing, idempotent)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from .models import PlanValue
from .rules import PlanRow, plan_file_parse
from .selectors import plan_scopes


@dataclass
class PlanLoadReport:
    """What a load did, as counts of ``created``, ``updated``, ``deleted``, ``unchanged``."""

    counts: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(self.counts[k] for k in ("created", "updated", "deleted"))

    def __str__(self) -> str:
        if not self.changed:
            return f"Plan unchanged ({self.counts['unchanged']} values)."
        parts = [f"{self.counts[k]} {k}" for k in ("created", "updated", "deleted", "unchanged")]
        return "Plan loaded: " + ", ".join(parts) + " values."


@dataclass(frozen=True)
class PlanEntry:
    metric: str
    scope: str
    month: date
    value: Decimal
    note: str = ""


def plan_values_store(
    *, entries: Iterable[PlanEntry], replace_scopes: Iterable[tuple[str, str]] = ()
) -> PlanLoadReport:
    """Upsert plan values in one transaction: a new value (or note) for the same metric,
    scope and month replaces the held one; the same again changes nothing. For each
    ``(metric, scope)`` in ``replace_scopes`` the months not among ``entries`` are deleted
    (a file that is the whole plan of that scope)."""
    entries = list(entries)
    report = PlanLoadReport()
    wanted = {(e.metric, e.scope, e.month): e for e in entries}
    with transaction.atomic():
        keys = {(e.metric, e.scope) for e in entries} | set(replace_scopes)
        held: dict[tuple[str, str, date], PlanValue] = {}
        for metric in {m for m, _s in keys}:
            scopes = [s for m, s in keys if m == metric]
            for p in PlanValue.objects.select_for_update().filter(metric=metric, scope__in=scopes):
                held[(p.metric, p.scope, p.month)] = p
        replaced = set(replace_scopes)
        gone = [p.pk for k, p in held.items() if k[:2] in replaced and k not in wanted]
        if gone:
            PlanValue.objects.filter(pk__in=gone).delete()
            report.counts["deleted"] += len(gone)
        new, changed = [], []
        for key, e in wanted.items():
            p = held.get(key)
            if p is None:
                new.append(
                    PlanValue(
                        metric=e.metric, scope=e.scope, month=e.month, value=e.value, note=e.note
                    )
                )
            elif (p.value, p.note) != (e.value, e.note):
                p.value, p.note = e.value, e.note
                changed.append(p)
            else:
                report.counts["unchanged"] += 1
        PlanValue.objects.bulk_create(new)
        for p in changed:
            p.save(update_fields=["value", "note", "loaded_at"])
        report.counts["created"] += len(new)
        report.counts["updated"] += len(changed)
    return report


def plan_load(*, text: str) -> PlanLoadReport:
    """Load a plan file (``metric,scope,month,value``; API.md "Operating plan").

    Idempotent: a second run changes nothing; a new value for the same metric, scope and
    month replaces the held one; values the file does not name are kept. Raises
    ``rules.PlanFileError`` naming every bad line, and then writes nothing.
    """
    rows: list[PlanRow] = plan_file_parse(text, scopes=plan_scopes())
    return plan_values_store(entries=[PlanEntry(r.metric, r.scope, r.month, r.value) for r in rows])
