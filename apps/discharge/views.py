from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.choices import AuditAction, Role
from apps.accounts.services import audit_record
from apps.beds.models import System
from apps.core.localtime import local_today

from .exports import s1_csv, s1_xlsx
from .forms import MofdPatientFilter
from .rules import days_mofd, nhs_number_display, plan_status
from .selectors import mofd_patients_current, s1_for_day

PAGE_SIZE = 50
# Roles that work with identifiable patients (discharge hub, managers); others see masked.
NHS_NUMBER_ROLES = (Role.MANAGER, Role.ADMIN)


def _export_allowed(request) -> None:
    if not getattr(request.user, "can_export", False):
        raise PermissionDenied("Exports are for managers.")


def _title(day: date) -> str:
    system = System.objects.first()
    return f"{system.code if system else ''} S1 discharge sitrep {day:%d.%m.%Y}".strip()


@require_GET
def s1_page(request, day: date):
    _export_allowed(request)
    s1 = s1_for_day(day=day)
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_page", date=day.isoformat())
    return render(
        request, "discharge/s1.html", {"s1": s1, "title": _title(day), "day": day, "nav": "s1"}
    )


@require_GET
def s1_export_csv(request, day: date):
    _export_allowed(request)
    body = s1_csv(s1_for_day(day=day))
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_csv", date=day.isoformat())
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="s1-{day.isoformat()}.csv"'
    return response


@require_GET
def s1_export_xlsx(request, day: date):
    _export_allowed(request)
    body = s1_xlsx(s1_for_day(day=day), title=_title(day))
    audit_record(action=AuditAction.EXPORT, request=request, what="s1_xlsx", date=day.isoformat())
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="s1-{day.isoformat()}.xlsx"'
    return response


@require_GET
def patients(request):
    today = local_today(timezone.now())
    form = MofdPatientFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found = mofd_patients_current(
        day=today,
        organisation=filters.get("organisation") or None,
        pathway=filters.get("pathway") or None,
        plan=filters.get("plan") or None,
        min_days=filters.get("min_days"),
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
    return render(
        request,
        "discharge/patients.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "query": query.urlencode(),
            "nav": "discharge",
        },
    )
