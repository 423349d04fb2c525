from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .charts import forecast_chart
from .choices import SYSTEM_SCOPE, Series
from .rules import beats_baseline
from .selectors import bed_outlook, forecast_scopes, forecasts_page, scope_known


@require_GET
def index(request):
    """``/forecasts/?scope=``: fan charts of the three series, their backtests beside the
    seasonal-naive baseline, and the bed outlook for a site or the system (default)."""
    scope = request.GET.get("scope") or SYSTEM_SCOPE
    if not scope_known(scope):
        raise Http404(f"Unknown scope {scope}")
    now = timezone.now()
    outlook = bed_outlook(scope=scope, now=now)
    available = outlook["available"]
    panels = []
    stored = {f.series: f for f in forecasts_page(scope=scope)}
    for series in Series:
        forecast = stored.get(series.value)
        reference = None
        if series == Series.GA_OCCUPIED_MIDDAY and available:
            reference = (0.92 * available, f"92% of {available} beds open now")
        panels.append(
            {
                "series": series,
                "forecast": forecast,
                "chart": forecast and forecast_chart(forecast, reference=reference),
                "beats": forecast and beats_baseline(forecast.backtest),
            }
        )
    context = {
        "nav": "forecasts",
        "now": now,
        "scope": scope,
        "scopes": forecast_scopes(),
        "panels": panels,
        "outlook": outlook,
        "made_at": next((p["forecast"].made_at for p in panels if p["forecast"]), None),
    }
    return render(request, "forecasts/index.html", context)
