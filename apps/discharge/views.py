from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.choices import AuditAction, Role
from apps.accounts.services import audit_record
from apps.beds.models import System
from apps.core.exports import XLSX_MEDIA_TYPE
from apps.core.localtime import local_today

from .charts import timeliness_charts
from .choices import MofdSort
from .exports import s1_csv, s1_state_text, s1_xlsx
from .forms import MofdPatientFilter, S1DayForm
from .rules import days_mofd, nhs_number_display, plan_status
from .selectors import (
    S1NoSuchDay,
    discharge_timeliness,
    mofd_patients_current,
    s1_first_day,
    s1_for_day,
    timeliness_trend,
)

PAGE_SIZE = 50
# Roles that work with identifiable patients (discharge hub, managers); others see masked.
NHS_NUMBER_ROLES = (Role.MANAGER, Role.ADMIN)


def _export_allowed(request) -> None:
    if not getattr(request.user, "can_export", False):
        raise PermissionDenied("Exports are for managers.")


def _title(day: date) -> str:
    system = System.objects.first()
    return f"{system.code if system else ''} S1 discharge sitrep {day:%d.%m.%Y}".strip()


def _s1(day: date, today: date) -> dict:
    """The served S1 of ``day``; a day after today (no projected figures) or before the first
    day a list can have has none (404)."""
    try:
        return s1_for_day(day=day, today=today)
    except S1NoSuchDay as exc:
        raise Http404(str(exc)) from None


@require_GET
def s1_today(request):
    """``/s1/``: a redirect to today's S1, or to the day picked in the form
    (``?date=YYYY-MM-DD``; a day after today then answers 404 like any other link to it).

    A malformed ``date`` is 400 naming it (API.md: a malformed date is 400 on every page),
    never a silent redirect to today."""
    _export_allowed(request)
    if not request.GET.get("date"):
        return redirect("discharge:s1", day=local_today(timezone.now()))
    form = S1DayForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            f"date: {request.GET['date'][:40]!r} is not a day written YYYY-MM-DD.",
            content_type="text/plain; charset=utf-8",
        )
    return redirect("discharge:s1", day=form.cleaned_data["date"])


@require_GET
def s1_page(request, day: date):
    """The printable S1 of a local day, with the previous and next day and a date picker.

    States whether the figures are live, frozen (when) or not yet frozen; a row whose
    organisation sent no list that day says so. A day after today is 404.
    """
    _export_allowed(request)
    today = local_today(timezone.now())
    s1 = _s1(day, today)
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_page", date=day.isoformat())
    return render(
        request,
        "discharge/s1.html",
        {
            "s1": s1,
            "state_text": s1_state_text(s1),
            "any_list": any(row["list_as_at"] for row in s1["rows"]),
            "title": _title(day),
            "day": day,
            "today": today,
            "previous_day": day - timedelta(days=1) if day > s1_first_day() else None,
            "next_day": day + timedelta(days=1) if day < today else None,
            "picker": S1DayForm(initial={"date": day}, today=today),
            "nav": "s1",
        },
    )


@require_GET
def s1_export_csv(request, day: date):
    """The S1 CSV (fixed header, TOTAL row last); 404 for a day after today."""
    _export_allowed(request)
    body = s1_csv(_s1(day, local_today(timezone.now())))
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_csv", date=day.isoformat())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="s1-{day.isoformat()}.csv"'
    return response


@require_GET
def s1_export_xlsx(request, day: date):
    """The S1 workbook, stating live/frozen/not yet frozen; 404 for a day after today."""
    _export_allowed(request)
    body = s1_xlsx(_s1(day, local_today(timezone.now())), title=_title(day))
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_xlsx", date=day.isoformat())
    response = HttpResponse(body, content_type=XLSX_MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="s1-{day.isoformat()}.xlsx"'
    return response


@require_GET
def patients(request):
    """``/discharge/``: MOFD patients across the system, filtered by organisation, site,
    pathway, plan and days MOFD, sorted by days, pathway or plan (``?sort=``), 50 a page."""
    today = local_today(timezone.now())
    form = MofdPatientFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = filters.get("sort") or MofdSort.DAYS
    found = mofd_patients_current(
        day=today,
        organisation=filters.get("organisation") or None,
        site=filters.get("site") or None,
        pathway=filters.get("pathway") or None,
        plan=filters.get("plan") or None,
        min_days=filters.get("min_days"),
        sort=sort,
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    masked = getattr(request.user, "role", None) not in NHS_NUMBER_ROLES
    rows = [
        {
            "patient": p,
            "organisation": p.mofd_list.organisation,
            "nhs_number": nhs_number_display(p.nhs_number, masked=masked),
            "days_mofd": days_mofd(p.mofd_on, today),
            "plan": plan_status(p.planned_discharge_on, today),
        }
        for p in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    # Column headings sort the list, keeping the filters (days: longest first, then shortest).
    unsorted = query.copy()
    unsorted.pop("sort", None)
    base = unsorted.urlencode()
    next_days = MofdSort.DAYS_SHORTEST if sort == MofdSort.DAYS else MofdSort.DAYS
    sort_links = {
        name: f"?{base}{'&' if base else ''}sort={value}"
        for name, value in (
            ("days", next_days),
            ("pathway", MofdSort.PATHWAY),
            ("plan", MofdSort.PLAN),
        )
    }
    return render(
        request,
        "discharge/patients.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "query": query.urlencode(),
            "sort": sort,
            "sort_links": sort_links,
            "nav": "discharge",
            "timeliness": discharge_timeliness(day=today),
            "timeliness_charts": timeliness_charts(timeliness_trend(today=today)),
        },
    )
