"""Every action as CSV (``/exports/actions.csv``), through the shared export helper: text
exactly as written, a cell that a spreadsheet would run as a formula prefixed with '."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apps.core.exports import csv_text

from .models import Action
from .rules import (
    C2_MEAN_RESPONSE_S,
    ED_FOUR_HOUR_PCT,
    GA_OCCUPANCY_PCT,
    LONGEST_AMBULANCE_WAIT_MIN,
    MOFD_P1_P3,
    action_is_overdue,
)

FIGURES = (
    GA_OCCUPANCY_PCT,
    LONGEST_AMBULANCE_WAIT_MIN,
    ED_FOUR_HOUR_PCT,
    MOFD_P1_P3,
    C2_MEAN_RESPONSE_S,
)
MOMENTS = ("at_created", "at_done", "after_4h", "after_24h")
HEADER = (
    "id",
    "text",
    "owner_organisation",
    "owner_name",
    "scope",
    "call",
    "alert",
    "status",
    "overdue",
    "created_at",
    "created_by",
    "due_at",
    "overdue_at",
    "done_at",
    "done_by",
    "cancelled_at",
    "cancelled_by",
    "note",
    *(f"{moment}_{figure}" for moment in MOMENTS for figure in FIGURES),
)


def _cell(value: Any) -> Any:
    """Times as ISO 8601 (UTC), ``None`` as an empty cell; the helper handles text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def actions_csv_body(actions: Iterable[Action], *, now: datetime) -> str:
    """Header and one row per action; times ISO 8601 UTC; effect columns per moment and figure
    (empty where the figure is not one of the scope's, or not reached)."""
    return csv_text(HEADER, (_row(action, now=now) for action in actions))


def _row(action: Action, *, now: datetime) -> list[Any]:
    """One action's cells, in ``HEADER`` order."""
    effects = {
        "at_created": action.effect_at_created,
        "at_done": action.effect_at_done,
        "after_4h": action.effect_after_4h,
        "after_24h": action.effect_after_24h,
    }
    row = [
        action.pk,
        action.text,
        action.owner_organisation.code,
        action.owner_name,
        action.scope,
        action.call_id,
        action.alert_id,
        action.status,
        action_is_overdue(status=action.status, due_at=action.due_at, now=now),
        action.created_at,
        _username(action.created_by),
        action.due_at,
        action.overdue_at,
        action.done_at,
        _username(action.done_by),
        action.cancelled_at,
        _username(action.cancelled_by),
        action.note,
        *((effects[m] or {}).get(f) for m in MOMENTS for f in FIGURES),
    ]
    return [_cell(v) for v in row]
