"""System calls and actions as plain functions (DOMAIN.md "System calls and actions").

No ORM, no clock: ``now`` and the figures are passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .choices import ActionScopeKind, ActionStatus

# --------------------------------------------------------------------------- overdue


def action_is_overdue(*, status: str, due_at: datetime, now: datetime) -> bool:
    """Overdue = open and ``now`` strictly after due (an overdue action is also open)."""
    return status == ActionStatus.OPEN and now > due_at


# --------------------------------------------------------------------------- effect

GA_OCCUPANCY_PCT = "ga_occupancy_pct"
LONGEST_AMBULANCE_WAIT_MIN = "longest_ambulance_wait_min"
ED_FOUR_HOUR_PCT = "ed_four_hour_pct"
MOFD_P1_P3 = "mofd_p1_p3"
C2_MEAN_RESPONSE_S = "c2_mean_response_s"

# The headline figures of each kind of scope, in the order pages show them.
SITE_FIGURES = (GA_OCCUPANCY_PCT, LONGEST_AMBULANCE_WAIT_MIN, ED_FOUR_HOUR_PCT)
ORGANISATION_FIGURES = (MOFD_P1_P3,)
AMBULANCE_ORGANISATION_FIGURES = (C2_MEAN_RESPONSE_S,)
SYSTEM_FIGURES = (GA_OCCUPANCY_PCT, LONGEST_AMBULANCE_WAIT_MIN, ED_FOUR_HOUR_PCT, MOFD_P1_P3)

FIGURE_LABELS = {
    GA_OCCUPANCY_PCT: "Adult G&A occupancy %",
    LONGEST_AMBULANCE_WAIT_MIN: "Longest ambulance wait (min)",
    ED_FOUR_HOUR_PCT: "ED 4-hour % today",
    MOFD_P1_P3: "MOFD on P1-P3",
    C2_MEAN_RESPONSE_S: "C2 mean response today (s)",
}
# Figures where a rise is an improvement; for every other one a fall is.
HIGHER_IS_BETTER = frozenset({ED_FOUR_HOUR_PCT})

# Moments after creation at which the effect is taken again.
EFFECT_AFTER = {"after_4h": timedelta(hours=4), "after_24h": timedelta(hours=24)}


def effect_figure_names(*, scope_kind: str, is_ambulance: bool = False) -> tuple[str, ...]:
    """Which figures make up the effect of an action with this kind of scope (none: no effect)."""
    if scope_kind == ActionScopeKind.SITE:
        return SITE_FIGURES
    if scope_kind == ActionScopeKind.ORGANISATION:
        return AMBULANCE_ORGANISATION_FIGURES if is_ambulance else ORGANISATION_FIGURES
    if scope_kind == ActionScopeKind.SYSTEM:
        return SYSTEM_FIGURES
    return ()


@dataclass(frozen=True)
class EffectChange:
    """One figure before → after: ``direction`` "up", "down" or "same"; ``better`` None when
    either side is unknown or nothing moved."""

    figure: str
    label: str
    before: float | None
    after: float | None
    direction: str | None
    better: bool | None


def effect_changes(
    before: Mapping[str, float | None] | None, after: Mapping[str, float | None] | None
) -> list[EffectChange]:
    """Each figure of ``before`` against ``after`` (``after`` None: not reached yet)."""
    changes = []
    # In the pages' order (stored JSON does not keep its keys' order).
    order = {name: i for i, name in enumerate(FIGURE_LABELS)}
    for figure, was in sorted((before or {}).items(), key=lambda item: order.get(item[0], 99)):
        now_value = None if after is None else after.get(figure)
        direction = better = None
        if was is not None and now_value is not None:
            if now_value == was:
                direction = "same"
            else:
                rose = now_value > was
                direction = "up" if rose else "down"
                better = rose if figure in HIGHER_IS_BETTER else not rose
        changes.append(
            EffectChange(
                figure=figure,
                label=FIGURE_LABELS.get(figure, figure),
                before=was,
                after=now_value,
                direction=direction,
                better=better,
            )
        )
    return changes


def effects_due(
    *, created_at: datetime, filled: Mapping[str, bool], now: datetime
) -> list[tuple[str, datetime]]:
    """The ``after_*`` moments reached by ``now`` and not yet filled: ``[(name, at)]``."""
    return [
        (name, created_at + delay)
        for name, delay in EFFECT_AFTER.items()
        if not filled.get(name) and created_at + delay <= now
    ]
