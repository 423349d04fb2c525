"""The ``/ambulance/`` page: response by category today and over 30 days, calls waiting, REAP,
and the handover picture (DOMAIN.md "Ambulance response", "Ambulance handovers")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.board import charts
from apps.core.localtime import local_date

from . import response_rules
from .response_selectors import (
    board_ambulance_response,
    reap_history,
    response_trend,
    stale_incidents,
)
from .selectors import board_handovers, hospital_sites

TREND_DAYS = 30
CHART_BOX = charts.Box(width=560, height=220)
CATEGORY_NAMES = {
    1: "Category 1 (life-threatening)",
    2: "Category 2 (emergency)",
    3: "Category 3 (urgent)",
    4: "Category 4 (less urgent)",
}


def category_rows(categories: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per category of a service's (or the pooled) live block, with each figure's
    standard and whether it is met."""
    standards = settings.SCC_ARP_STANDARDS
    ambition_s = settings.SCC_CAT2_MEAN_AMBITION_MIN * 60
    rows = []
    for category in response_rules.CATEGORIES:
        block = categories[str(category)]
        standard = standards[category]
        mean, p90 = block["mean_response_s_today"], block["p90_response_s_today"]
        rows.append(
            {
                "category": category,
                "name": CATEGORY_NAMES[category],
                **block,
                "mean_standard_s": standard["mean_s"],
                "mean_status": response_rules.standard_status(mean, standard["mean_s"]),
                "p90_standard_s": standard["p90_s"],
                "p90_status": response_rules.standard_status(p90, standard["p90_s"]),
                "ambition_s": ambition_s if category == 2 else None,
                "ambition_status": response_rules.standard_status(mean, ambition_s)
                if category == 2
                else None,
            }
        )
    return rows


def _pooled_live(services: list[dict[str, Any]], total: dict[str, Any]) -> dict[str, Any]:
    """The system's live block: today's pooled figures, waits summed, the longest wait."""
    out = {}
    for category in response_rules.CATEGORIES:
        key = str(category)
        waits = [s["categories"][key]["longest_wait_s"] for s in services]
        out[key] = {
            "mean_response_s_today": total[key]["mean_response_s"],
            "p90_response_s_today": total[key]["p90_response_s"],
            "incidents_today": total[key]["incidents"],
            "waiting_now": sum(s["categories"][key]["waiting_now"] for s in services),
            "longest_wait_s": max((w for w in waits if w is not None), default=None),
        }
    return out


def trend_chart(
    trend: list[dict[str, Any]],
    *,
    category: int,
    figure: str,
    reference: tuple[float, str] | None,
    chart_id: str,
    title: str,
) -> dict[str, Any]:
    """A step line of one figure (minutes) per local day, with a reference line."""
    points = [
        (i, None if day["categories"][str(category)][figure] is None else
         day["categories"][str(category)][figure] / 60)
        for i, day in enumerate(trend)
    ]  # fmt: skip
    held = [y for _, y in points if y is not None]
    if not held:
        return {
            "title": title,
            "svg": None,
            "days": [],
            "summary": "No responses in the last 30 days yet.",
        }
    top = max([*held, reference[0] if reference else 0, 1]) * 1.05
    ticks = charts.nice_ticks(0, top, 4)
    # The axis ends on a tick above the highest value (a step more when the last falls short).
    if ticks[-1] < top:
        ticks.append(ticks[-1] + (ticks[1] - ticks[0]))
    y_hi = ticks[-1]
    days = len(trend)
    x_ticks = [
        (i, "today" if i == days - 1 else f"{d['date'].day} {d['date']:%b}")
        for i, d in enumerate(trend)
        if (days - 1 - i) % 7 == 0
    ]
    seconds = [day["categories"][str(category)][figure] for day in trend]
    minutes = response_rules.minutes_one_decimal  # the table and the summary round alike
    rows = [(d["date"], minutes(s)) for d, s in zip(trend, seconds, strict=True)]
    held_s = [s for s in seconds if s is not None]
    latest = next(s for s in reversed(seconds) if s is not None)
    summary = (
        f"{title}: highest {minutes(max(held_s))} min, lowest {minutes(min(held_s))} min, "
        f"latest {minutes(latest)} min; "
        f"{days - len(held)} of {days} days without responses."
    )
    svg = charts.line_chart(
        points,
        chart_id=chart_id,
        title=title,
        desc=summary,
        x_domain=(0, days - 1),
        y_domain=(0, y_hi),
        x_ticks=x_ticks,
        y_ticks=[(v, f"{v:g}") for v in ticks],
        x_label="Day (clock start, local)",
        y_label="Minutes",
        reference=reference,
        box=CHART_BOX,
    )
    return {"title": title, "svg": svg, "days": rows, "summary": summary}


def _handover_sites(now: datetime) -> dict[str, Any]:
    handovers = board_handovers(now=now)
    sites = [
        {"code": site.code, "name": site.name, **handovers["sites"][site.pk]}
        for site in hospital_sites()
        if site.pk in handovers["sites"]
    ]
    return {"system": handovers["system"], "sites": sites}


def page_context(*, now: datetime) -> dict[str, Any]:
    """Everything the page shows at ``now``; a fixed number of queries whatever the estate."""
    today: date = local_date(now)
    response = board_ambulance_response(now=now)
    services = response["organisations"]
    trend = response_trend(today=today, days=TREND_DAYS)
    ambition = settings.SCC_CAT2_MEAN_AMBITION_MIN
    standards = settings.SCC_ARP_STANDARDS
    return {
        "now": now,
        "today": today,
        "services": [{**s, "rows": category_rows(s["categories"])} for s in services],
        "system_rows": category_rows(_pooled_live(services, response["total"]))
        if len(services) > 1
        else None,
        "ambition_min": ambition,
        "trends": [
            trend_chart(
                trend,
                category=2,
                figure="mean_response_s",
                reference=(ambition, f"{ambition}-minute ambition"),
                chart_id="trend-c2-mean",
                title=f"Category 2 mean response per day, last {TREND_DAYS} days",
            ),
            trend_chart(
                trend,
                category=1,
                figure="mean_response_s",
                reference=(standards[1]["mean_s"] / 60, "7-minute standard"),
                chart_id="trend-c1-mean",
                title=f"Category 1 mean response per day, last {TREND_DAYS} days",
            ),
            trend_chart(
                trend,
                category=2,
                figure="p90_response_s",
                reference=(standards[2]["p90_s"] / 60, "40-minute standard"),
                chart_id="trend-c2-p90",
                title=f"Category 2 90th centile per day, last {TREND_DAYS} days",
            ),
        ],
        "reap_history": reap_history(now=now, days=TREND_DAYS),
        "stale": stale_incidents(now=now),
        "handovers": _handover_sites(now),
        "handover_standard_min": settings.SCC_HANDOVER_STANDARD_MIN,
    }


@require_GET
def index(request):
    """``/ambulance/`` (staff): response by category against the ARP standards and the C2
    ambition, 30-day trends, calls waiting now, REAP and its history, handovers."""
    return render(request, "ambulance/index.html", page_context(now=timezone.now()))
