"""The ``/emergency/`` page: every ED now and over the last 30 days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.board import charts
from apps.board.templatetags.board import ed_four_hour_status, ed_twelve_hour_status
from apps.core.localtime import local_date

from . import rules
from .selectors import board_emergency, emergency_history, emergency_sites, stale_open_by_site

TREND_DAYS = 30
CHART_BOX = charts.Box(width=640, height=200, left=48, right=12, top=14, bottom=40)


def four_hour_trend(
    series: list[tuple[date, float | None]], *, standard_pct: int, chart_id: str, name: str
) -> dict[str, Any]:
    """4-hour performance per local day as a line against the standard, and its summary.

    ``series``: (day, % or None) oldest first. A day without departures has no point.
    """
    held = [(d, p) for d, p in series if p is not None]
    if not held:
        return {"svg": None, "summary": f"{name}: no departures in the last {len(series)} days."}
    days = len(series)
    low = min(min(p for _, p in held), standard_pct)
    y_lo = max(0, (int(low) - 5) // 10 * 10)
    latest_day, latest = held[-1]
    worst_day, worst = min(held, key=lambda dp: dp[1])
    met = sum(1 for _, p in held if p >= standard_pct)
    summary = (
        f"{name}: 4-hour performance over the last {days} days, latest {latest}% "
        f"({latest_day:%a} {latest_day.day} {latest_day:%b}), lowest {worst}% "
        f"({worst_day:%a} {worst_day.day} {worst_day:%b}); {met} of {len(held)} days at or "
        f"above the {standard_pct}% standard (the dashed line)."
    )
    svg = charts.line_chart(
        [(i, p) for i, (_, p) in enumerate(series)],
        chart_id=chart_id,
        title=f"{name}: 4-hour performance, last {days} days",
        desc=summary,
        x_domain=(-0.5, days - 0.5),
        y_domain=(y_lo, 100),
        x_ticks=[
            (i, "today" if i == days - 1 else f"{d.day} {d:%b}")
            for i, (d, _) in enumerate(series)
            if (days - 1 - i) % 7 == 0
        ],
        y_ticks=[(v, f"{v:g}%") for v in charts.nice_ticks(y_lo, 100, 4)],
        x_label="Day (local)",
        y_label="Within 4 h",
        reference=(standard_pct, f"{standard_pct}% standard"),
        box=CHART_BOX,
    )
    return {"svg": svg, "summary": summary}


def _row(live: dict[str, Any]) -> dict[str, Any]:
    return {
        **live,
        "four_hour_status": ed_four_hour_status(live["four_hour_pct_today"]),
        "twelve_hour_status": ed_twelve_hour_status(live["over_12h_now"]),
    }


@require_GET
def index(request):
    """Every ED now (in department, over 12 h, awaiting a bed, 4-hour today) and its 4-hour
    performance by day over the last 30 days against the 76% standard. Three queries."""
    now = timezone.now()
    today = local_date(now)
    standard = settings.SCC_ED_FOUR_HOUR_STANDARD_PCT
    sites = list(emergency_sites().select_related("organisation"))
    live = board_emergency(now=now)
    stale = stale_open_by_site(now=now)
    history = emergency_history(today=today, days=TREND_DAYS)
    days = [today - timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
    pooled = {
        day: sum(
            (history.get(site.pk, {}).get(day, rules.DayTotals()) for site in sites),
            rules.DayTotals(),
        )
        for day in days
    }
    system_days = [
        {"date": day, **rules.day_figures(pooled[day])}
        for day in reversed(days)
        if history and any(day in by_day for by_day in history.values())
    ]
    eds = []
    for site in sites:
        by_day = history.get(site.pk, {})
        series = [
            (day, rules.day_figures(by_day[day])["four_hour_pct"] if day in by_day else None)
            for day in days
        ]
        eds.append(
            {
                "site": site,
                "now": _row(live["sites"][site.pk]),
                "trend": four_hour_trend(
                    series, standard_pct=standard, chart_id=f"ed-{site.code}", name=site.name
                ),
            }
        )
    system_series = [(day, rules.day_figures(pooled[day])["four_hour_pct"]) for day in days]
    context = {
        "now": now,
        "standard_pct": standard,
        "system": _row(live["system"]) if live["system"] else None,
        "system_trend": four_hour_trend(
            system_series, standard_pct=standard, chart_id="ed-system", name="All EDs"
        ),
        "system_days": system_days,
        "eds": eds,
        "trend_days": TREND_DAYS,
        "stale": [{"site": site, **stale[site.pk]} for site in sites if site.pk in stale],
        "max_stay_days": rules.MAX_STAY.days,
    }
    template = "emergency/index.html"
    if request.htmx:
        template += "#panels"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
