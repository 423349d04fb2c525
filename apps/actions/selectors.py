"""Reads: actions by status and owner, the board's counts and panel, calls, and their shapes
as the API gives them. Overdue is worked out against ``now`` on every read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.beds.choices import BED_HOLDING_KINDS, OrganisationKind
from apps.beds.models import Organisation

from .choices import ActionFilter, ActionStatus
from .models import Action, Declaration, SystemCall
from .rules import action_is_overdue, effect_changes

# The board's actions panel: what falls due within this long, and what is overdue.
PANEL_HORIZON = timedelta(hours=2)
PANEL_LIMIT = 8
# Organisations that declare an OPEL on a call (an ambulance service declares its REAP level).
DECLARING_KINDS = (*BED_HOLDING_KINDS, OrganisationKind.AMBULANCE)


def overdue_q(now: datetime) -> Q:
    return Q(status=ActionStatus.OPEN, due_at__lt=now)


def actions_list(
    *, now: datetime, status: str | None = None, owner: str | None = None
) -> QuerySet[Action]:
    """Actions of one filter (``ActionFilter``; None: all) and owner organisation code, with what
    their rows show joined in. Open and overdue by due time; done and cancelled newest first."""
    actions = Action.objects.select_related(
        "owner_organisation", "created_by", "done_by", "cancelled_by", "alert", "call"
    )
    if owner:
        actions = actions.filter(owner_organisation__code=owner)
    if status == ActionFilter.OPEN:
        return actions.filter(status=ActionStatus.OPEN).order_by("due_at", "pk")
    if status == ActionFilter.OVERDUE:
        return actions.filter(overdue_q(now)).order_by("due_at", "pk")
    if status == ActionFilter.DONE:
        return actions.filter(status=ActionStatus.DONE).order_by("-done_at", "-pk")
    if status == ActionFilter.CANCELLED:
        return actions.filter(status=ActionStatus.CANCELLED).order_by("-cancelled_at", "-pk")
    if status is None:
        return actions.order_by("-created_at", "-pk")
    raise ValueError(f"unknown action filter {status!r}")


def actions_counts(*, now: datetime) -> dict[str, int]:
    """``{"open", "overdue"}`` over the whole system, one query (board ``system.actions``)."""
    return Action.objects.aggregate(
        open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
        overdue=Count("pk", filter=overdue_q(now)),
    )


def overdue_by_organisation(*, now: datetime) -> dict[str, int]:
    """``{owner organisation code: open actions past due}`` (the ``action_overdue`` rule)."""
    rows = (
        Action.objects.filter(overdue_q(now))
        .values("owner_organisation__code")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner_organisation__code"]: row["n"] for row in rows}


def board_actions_panel(*, now: datetime, limit: int = PANEL_LIMIT) -> dict[str, Any]:
    """The board's actions panel: overdue actions (longest overdue first) and those due within
    the next 2 hours, at most ``limit`` of each, with how many there are. Three queries."""
    base = Action.objects.select_related("owner_organisation").filter(status=ActionStatus.OPEN)
    counts = base.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lte=now + PANEL_HORIZON)),
    )
    return {
        "overdue": list(base.filter(due_at__lt=now).order_by("due_at", "pk")[:limit]),
        "overdue_count": counts["overdue"],
        "due_soon": list(
            base.filter(due_at__gte=now, due_at__lte=now + PANEL_HORIZON).order_by("due_at", "pk")[
                :limit
            ]
        ),
        "due_soon_count": counts["due_soon"],
        "horizon_h": int(PANEL_HORIZON.total_seconds() // 3600),
    }


def declaring_organisations() -> list[Organisation]:
    """The organisations a call asks for a declaration, by code."""
    return list(Organisation.objects.filter(kind__in=DECLARING_KINDS).order_by("code"))


def calls_list() -> QuerySet[SystemCall]:
    """Calls newest first, with their declarations and actions counted (two queries)."""
    return (
        SystemCall.objects.select_related("started_by")
        .annotate(action_count=Count("actions"))
        .order_by("-started_at", "-pk")
    )


def call_get(*, pk: int) -> SystemCall:
    """One call with its declarations and actions (three queries). Raises ``DoesNotExist``."""
    return (
        SystemCall.objects.select_related("started_by")
        .prefetch_related(
            Prefetch(
                "declarations",
                queryset=Declaration.objects.select_related("organisation").order_by(
                    "organisation__code"
                ),
            ),
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "owner_organisation", "created_by", "done_by", "cancelled_by"
                ).order_by("due_at", "pk"),
            ),
        )
        .get(pk=pk)
    )


# --------------------------------------------------------------------------- shapes


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def action_effect(action: Action) -> dict[str, Any]:
    """``{"at_created", "at_done", "after_4h", "after_24h"}``: ``{figure: value}`` each, or
    ``None`` (no scope, not done, not yet reached)."""
    return {
        "at_created": action.effect_at_created,
        "at_done": action.effect_at_done,
        "after_4h": action.effect_after_4h,
        "after_24h": action.effect_after_24h,
    }


def action_effect_rows(action: Action) -> list[dict[str, Any]]:
    """For pages: each figure before (at creation) → at done / 4 h / 24 h, with its arrow."""
    rows = []
    for moment, after in (
        ("done", action.effect_at_done),
        ("4 h", action.effect_after_4h),
        ("24 h", action.effect_after_24h),
    ):
        if after is None:
            continue
        changes = effect_changes(action.effect_at_created, after)
        # A figure with no data on either side says nothing.
        known = [c for c in changes if c.before is not None or c.after is not None]
        rows.append({"moment": moment, "changes": known})
    return rows


def action_out(action: Action, *, now: datetime) -> dict[str, Any]:
    """The action as the API shows it (``ActionOut``)."""
    return {
        "id": action.pk,
        "text": action.text,
        "owner_organisation": action.owner_organisation.code,
        "owner_name": action.owner_name,
        "due_at": action.due_at,
        "scope": action.scope or None,
        "scope_kind": action.scope_kind or None,
        "alert": action.alert_id,
        "call": action.call_id,
        "status": action.status,
        "overdue": action_is_overdue(status=action.status, due_at=action.due_at, now=now),
        "overdue_at": action.overdue_at,
        "created_at": action.created_at,
        "created_by": _username(action.created_by),
        "done_at": action.done_at,
        "done_by": _username(action.done_by),
        "cancelled_at": action.cancelled_at,
        "cancelled_by": _username(action.cancelled_by),
        "note": action.note,
        "effect": action_effect(action),
    }


def call_out(call: SystemCall, *, now: datetime, with_figures: bool = True) -> dict[str, Any]:
    """The call as the API shows it (``CallOut``): declarations, actions and, unless told not
    to, the board figures frozen at its start."""
    out = {
        "id": call.pk,
        "kind": call.kind,
        "started_at": call.started_at,
        "started_by": _username(call.started_by),
        "chair": call.chair,
        "notes": call.notes,
        "declarations": [
            {
                "organisation": d.organisation.code,
                "opel": d.opel,
                "computed_opel": d.computed_opel,
                "comment": d.comment,
            }
            for d in call.declarations.all()
        ],
        "actions": [action_out(a, now=now) for a in call.actions.all()],
    }
    if with_figures:
        out["figures"] = call.figures
    return out
