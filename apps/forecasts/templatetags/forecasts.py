"""The board's "next 7 days" strip: the system's adult G&A occupancy forecast against 92%."""

from __future__ import annotations

from datetime import date

from django import template
from django.conf import settings
from django.utils import timezone

from apps.core.localtime import local_today

from ..choices import SYSTEM_SCOPE, Series
from ..models import Forecast
from ..rules import bed_outlook_day

register = template.Library()
STRIP_DAYS = 7


@register.inclusion_tag("forecasts/strip.html")
def forecast_strip(occupancy: dict | None) -> dict:
    """The next 7 days of the system's bed outlook against the board's ``available`` (the
    system ``occupancy`` block the board already holds). One query."""
    days = (
        Forecast.objects.filter(scope=SYSTEM_SCOPE, series=Series.GA_OCCUPIED_MIDDAY)
        .values_list("days", flat=True)
        .first()
    )
    available = occupancy["available"] if occupancy else None
    if not days or not available:
        return {"days": [], "standard": settings.SCC_OCCUPANCY_STANDARD_PCT}
    today = local_today(timezone.now())
    standard = settings.SCC_OCCUPANCY_STANDARD_PCT
    outlook = [
        bed_outlook_day(
            day=date.fromisoformat(d["date"]),
            mean=d["mean"],
            lo95=d["lo95"],
            hi95=d["hi95"],
            available=available,
            standard_pct=standard,
        )
        for d in days
        if date.fromisoformat(d["date"]) > today
    ][:STRIP_DAYS]
    return {"days": outlook, "standard": standard, "available": available}
