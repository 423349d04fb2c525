"""The site page (API.md Pages ``/sites/<site code>/``) and a bed's page.

One view serves the page and, for htmx, one panel (``?panel=wards``); what each panel shows is
``apps.board.site_page``.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from apps.beds.models import Bed, BedCurrent, Site
from apps.beds.selectors import bed_history
from apps.discharge.views import NHS_NUMBER_ROLES

from .site_page import BED_LOOK, PANELS, SitePage

BED_HISTORY_LIMIT = 100


@require_GET
def bed(request, code: str, ward: str, bed: str):
    """One bed: its status now and every change, newest first, with who reported it."""
    bed = get_object_or_404(
        Bed.objects.select_related("ward__site"), ward__site__code=code, ward__code=ward, code=bed
    )
    current = BedCurrent.objects.filter(bed=bed).first()
    changes = list(bed_history(bed=bed, limit=BED_HISTORY_LIMIT))
    context = {
        "bed": bed,
        "ward": bed.ward,
        "site": bed.ward.site,
        "current": current,
        "look": BED_LOOK.get(current.status if current else None, BED_LOOK[None]),
        "changes": changes,
        "limit": BED_HISTORY_LIMIT,
        "nav": "board",
    }
    return render(request, "board/bed.html", context)


@require_GET
@vary_on_headers("HX-Request")
def site(request, code: str):
    """The site page; for htmx, only the panel asked for (``?panel=wards``)."""
    site = get_object_or_404(Site.objects.select_related("organisation"), code=code)
    masked = getattr(request.user, "role", None) not in NHS_NUMBER_ROLES
    page = SitePage(site=site, now=timezone.now(), nhs_number_masked=masked)
    context = {"site": site, "page": page, "panels": PANELS}
    panel = request.GET.get("panel")
    if request.htmx and panel in PANELS:
        return render(request, f"board/site.html#{PANELS[panel]}", context)
    return render(request, "board/site.html", context | {"nav": "board"})
