from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.choices import AuditAction
from apps.accounts.services import audit_record
from apps.beds.models import System
from apps.core.exports import XLSX_MEDIA_TYPE
from apps.core.localtime import local_today

from .charts import plan_charts
from .choices import Direction
from .exports import plan_xlsx
from .metrics import plan_grid
from .rules import MONTH_RULE, SYSTEM, month_add, month_of, month_parse, plan_year_months


def _year_link(month: date) -> str | None:
    """``YYYY-MM`` of ``month`` for a plan-year link, or ``None`` outside ``rules.FIRST_YEAR``
    to ``LAST_YEAR``."""
    text = f"{month.year:04d}-{month.month:02d}"
    return text if month_parse(text) is not None else None


def _months(request) -> tuple[date, list[date]] | None:
    """The plan year (April–March) of ``?month=YYYY-MM`` (default: this month); ``None``
    when the month is malformed."""
    text = request.GET.get("month")
    month = month_parse(text) if text else month_of(local_today(timezone.now()))
    if month is None:
        return None
    return month, plan_year_months(month)


def _shown(value: Decimal | None, places: int) -> str:
    if value is None:
        return "—"
    return f"{value:,.{places}f}"


def _plan_shown(value: Decimal | None) -> str:
    """A plan value as it was written: no trailing zeros (70.5, 1,800)."""
    if value is None:
        return "—"
    places = max(0, -value.normalize().as_tuple().exponent)
    return _shown(value, places)


def _page_rows(grid: list[dict[str, Any]], this_month: date) -> list[dict[str, Any]]:
    rows = []
    for row in grid:
        higher = row["direction"] == Direction.HIGHER
        rows.append(
            {
                **row,
                "scope_label": "System" if row["scope"] == SYSTEM else row["scope"],
                "arrow": "↑" if higher else "↓",
                "meets": "higher meets" if higher else "lower meets",
                "cells": [
                    {
                        **c,
                        "plan_shown": _plan_shown(c["plan"]),
                        "actual_shown": _shown(c["actual"], row["places"]),
                        "current": c["month"] == this_month,
                    }
                    for c in row["months"]
                ],
            }
        )
    return rows


@require_GET
def plan_page(request):
    """``/plan/``: each metric and scope of the operating plan as a row, the plan year's
    months as columns (plan against actual, coloured by met / missed / no data, with an
    arrow for the direction that meets), and a chart per metric. ``?month=YYYY-MM`` picks
    the plan year; a malformed month is 400."""
    chosen = _months(request)
    if chosen is None:
        return HttpResponseBadRequest(f"month: {MONTH_RULE}")
    month, months = chosen
    now = timezone.now()
    grid = plan_grid(months=months, now=now)
    this_month = month_of(local_today(now))
    return render(
        request,
        "plan/index.html",
        {
            "nav": "plan",
            "months": months,
            "this_month": this_month,
            "rows": _page_rows(grid, this_month),
            "charts": plan_charts(grid, months=months),
            "year_label": f"{months[0]:%B %Y} to {months[-1]:%B %Y}",
            # No link to a plan year outside the months a plan can name (it would be a 400).
            "previous_year": _year_link(month_add(months[0], -12)),
            "next_year": _year_link(month_add(months[0], 12)),
            "month_param": f"{month:%Y-%m}",
            "demo": settings.SCC_DEMO,
        },
    )


@require_GET
def plan_export_xlsx(request):
    """``/exports/plan.xlsx`` (managers): the plan table of the plan year of ``?month=``
    (default this month) — plan, actual and status per month. Malformed month: 400."""
    if not getattr(request.user, "can_export", False):
        raise PermissionDenied("Exports are for managers.")
    chosen = _months(request)
    if chosen is None:
        return HttpResponseBadRequest(f"month: {MONTH_RULE}")
    _month, months = chosen
    grid = plan_grid(months=months, now=timezone.now())
    system = System.objects.first()
    title = f"{system.code if system else ''} operating plan {months[0]:%b %Y}–{months[-1]:%b %Y}"
    body = plan_xlsx(grid, months=months, title=title.strip())
    audit_record(
        action=AuditAction.EXPORT, request=request, what="plan_xlsx", date=f"{months[0]:%Y-%m}"
    )
    response = HttpResponse(body, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="plan-{months[0]:%Y-%m}.xlsx"'
    return response
