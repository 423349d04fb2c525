"""The plan's metrics as a registry: one entry per metric, each with its rule (direction,
scopes, precision: ``rules.METRIC_RULES``) and the one function that measures its monthly
actuals from the product's own figures.

An actual function has the shape ``(months: Sequence[date], *, now: datetime) ->
{(month, scope): Decimal}`` (``selectors.Actuals``); a scope it cannot measure is absent (no
data). ``actuals=None`` marks a metric whose figures the product does not hold yet: its rows
show the plan with ``no_data``. To add one, write its function in ``selectors`` and set it
here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import selectors
from .choices import PlanMetric
from .rules import METRIC_RULES, SYSTEM, MetricRule, plan_status

ActualsFunction = Callable[..., selectors.Actuals]


@dataclass(frozen=True)
class Metric:
    code: str
    label: str
    rule: MetricRule
    actuals: ActualsFunction | None


def _metric(code: PlanMetric, actuals: ActualsFunction | None) -> Metric:
    return Metric(str(code), code.label, METRIC_RULES[code], actuals)


METRICS: dict[str, Metric] = {
    m.code: m
    for m in (
        _metric(PlanMetric.GA_AVAILABLE_BEDS, selectors.ga_available_beds_actuals),
        _metric(PlanMetric.ED_FOUR_HOUR_PCT, selectors.ed_four_hour_pct_actuals),
        _metric(PlanMetric.CAT2_MEAN_MIN, selectors.cat2_mean_min_actuals),
        _metric(PlanMetric.HANDOVER_LOST_HOURS, selectors.handover_lost_hours_actuals),
        _metric(PlanMetric.MOFD_P1_P3, selectors.mofd_p1_p3_actuals),
        _metric(PlanMetric.VW_CAPACITY, selectors.vw_capacity_actuals),
    )
}
assert set(METRICS) == set(PlanMetric.values), "every plan metric needs a registry entry"


def metric_actuals(metric: str, months: Sequence[date], *, now: datetime) -> selectors.Actuals:
    """The monthly actuals of one metric (``{}`` for a metric not measured yet)."""
    function = METRICS[metric].actuals
    return {} if function is None else function(months, now=now)


def _scope_order(scope: str) -> tuple[int, str]:
    return (0 if scope == SYSTEM else 1, scope)


def plan_grid(*, months: Sequence[date], now: datetime) -> list[dict[str, Any]]:
    """Plan against actual for each (metric, scope) planned in any of ``months``, in the
    registry's order, ``system`` first: ``[{"metric", "label", "scope", "direction",
    "unit", "places", "months": [{"month", "plan", "actual", "status"}]}]`` (``plan`` and
    ``actual`` Decimals or ``None``). A month after today has no actual. Queries: one for the
    plan, and each planned metric's own (a fixed number per month at most)."""
    planned = selectors.plan_values(months=months)
    keys = sorted(
        {(metric, scope) for metric, scope, _month in planned},
        key=lambda k: (list(METRICS).index(k[0]), _scope_order(k[1])),
    )
    actuals = {metric: metric_actuals(metric, months, now=now) for metric in {k[0] for k in keys}}
    out = []
    for metric, scope in keys:
        m = METRICS[metric]
        cells = []
        for month in months:
            plan = planned.get((metric, scope, month))
            actual = actuals[metric].get((month, scope))
            status = (
                None
                if plan is None
                else plan_status(plan=plan, actual=actual, direction=m.rule.direction)
            )
            cells.append({"month": month, "plan": plan, "actual": actual, "status": status})
        out.append(
            {
                "metric": metric,
                "label": m.label,
                "scope": scope,
                "direction": m.rule.direction,
                "unit": m.rule.unit,
                "places": m.rule.places,
                "measured": m.actuals is not None,
                "months": cells,
            }
        )
    return out


def plan_month(*, month: date, now: datetime) -> dict[str, Any]:
    """``GET /api/v1/plan/?month=``: ``{"month", "rows": [{"metric", "scope", "plan",
    "actual", "status"}]}`` for every (metric, scope) planned in ``month``."""
    rows = []
    for row in plan_grid(months=[month], now=now):
        cell = row["months"][0]
        rows.append(
            {
                "metric": row["metric"],
                "scope": row["scope"],
                "plan": cell["plan"],
                "actual": cell["actual"],
                "status": cell["status"],
            }
        )
    return {"month": month, "rows": rows}
