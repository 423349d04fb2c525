"""Context for the site page's ambulance panel (the page itself belongs to the board)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from apps.beds.models import Site

from .rules import local_day
from .selectors import site_arrivals_today, site_lost_hours_history

HISTORY_DAYS = 14


def site_handovers_context(*, site: Site, now: datetime) -> dict[str, Any]:
    """What ``ambulance/partials/site_handovers.html`` needs."""
    return {
        "arrivals": site_arrivals_today(site=site, now=now),
        "history": site_lost_hours_history(site=site, today=local_day(now), days=HISTORY_DAYS),
        "standard_min": settings.SCC_HANDOVER_STANDARD_MIN,
        "release_min": settings.SCC_RELEASE_TO_RESPOND_MIN,
    }
