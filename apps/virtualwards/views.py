from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from apps.board.charts import plan_chart

from .choices import Per100kBand, UtilisationBand
from .rules import local_month, per_100k_band, utilisation_band
from .selectors import board_virtual_wards, vw_plan_vs_actual

# The national ambitions (NHS England), from settings' thresholds block.
UTILISATION_AMBITION_PCT = settings.SCC_VW_UTILISATION_AMBITION_PCT
PER_100K_AMBITION_LOW, PER_100K_AMBITION_HIGH = settings.SCC_VW_PER_100K_AMBITION

UTILISATION_LABELS = {
    UtilisationBand.UNKNOWN: "Not reported",
    UtilisationBand.BELOW_AMBITION: f"Below the {UTILISATION_AMBITION_PCT}% ambition",
    UtilisationBand.AT_AMBITION: f"Meets the {UTILISATION_AMBITION_PCT}% ambition",
    UtilisationBand.OVER_CAPACITY: "Over capacity",
}
_AMBITION = f"{PER_100K_AMBITION_LOW}\u2013{PER_100K_AMBITION_HIGH}"  # en dash
PER_100K_LABELS = {
    Per100kBand.UNKNOWN: "Unknown",
    Per100kBand.BELOW_AMBITION: f"Below the {_AMBITION} ambition",
    Per100kBand.WITHIN_AMBITION: f"Within the {_AMBITION} ambition",
    Per100kBand.ABOVE_AMBITION: f"Above the {_AMBITION} ambition",
}


def _with_utilisation(block: dict[str, Any]) -> dict[str, Any]:
    band = utilisation_band(
        occupied=block["occupied"],
        capacity=block["capacity"],
        ambition_pct=UTILISATION_AMBITION_PCT,
    )
    return {
        **block,
        "band": band.value,
        "band_label": UTILISATION_LABELS[band],
        "bar_pct": min(block["pct"] or 0, 100),
    }


def _plan_month(months: list[dict[str, Any]], this_month: date) -> date | None:
    """The plan month to compare wards with: this month if planned, else the latest planned
    month before it, else the first planned month."""
    planned = [m["month"] for m in months if m["planned"] is not None]
    past = [m for m in planned if m <= this_month]
    return past[-1] if past else (planned[0] if planned else None)


@require_GET
def index(request):
    now = timezone.now()
    figures = board_virtual_wards(now=now)
    trajectory = vw_plan_vs_actual(now=now)
    plan_month = _plan_month(trajectory["months"], local_month(now))
    planned_by_code = {
        w["code"]: next((m["planned"] for m in w["months"] if m["month"] == plan_month), None)
        for w in trajectory["wards"]
    }
    system = _with_utilisation(figures["system"])
    system["per_100k_label"] = PER_100K_LABELS[
        per_100k_band(system["per_100k"], low=PER_100K_AMBITION_LOW, high=PER_100K_AMBITION_HIGH)
    ]
    context = {
        "nav": "virtualwards",
        "now": now,
        "system": system,
        "wards": [
            {**_with_utilisation(w), "planned": planned_by_code.get(w["code"])}
            for w in figures["wards"]
        ],
        "plan_month": plan_month,
        "plan_month_total": next(
            (m["planned"] for m in trajectory["months"] if m["month"] == plan_month), None
        ),
        "months": trajectory["months"],
        "chart": plan_chart(trajectory["months"]),
        "ambition_pct": UTILISATION_AMBITION_PCT,
        "per_100k_low": PER_100K_AMBITION_LOW,
        "per_100k_high": PER_100K_AMBITION_HIGH,
    }
    template = "virtualwards/index.html"
    if request.htmx:
        template += "#panels"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
