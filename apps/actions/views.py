"""Pages: system calls (start one from the board, a call's printable record), actions (open,
overdue, done, with their effect), adding an action (from a call or an alert), the CSV export.
Views stay thin: the services write, the selectors read."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.choices import AuditAction
from apps.accounts.permissions import is_staff_session
from apps.accounts.services import audit_record
from apps.beds.models import Organisation, Site
from apps.core.exceptions import ApplicationError
from apps.escalation.models import Alert
from apps.escalation.selectors import alerts_open_by_severity

from . import services
from .choices import ActionFilter, CallKind
from .exports import actions_csv_body
from .models import Action, SystemCall
from .opel import organisation_opels
from .rules import FIGURE_LABELS
from .selectors import (
    action_effect_rows,
    actions_list,
    call_get,
    calls_list,
    declaring_organisations,
)

PAGE_SIZE = 50
RECENT_CALLS = 30


def _staff_only(request) -> None:
    if not is_staff_session(request):
        raise PermissionDenied


def _decorate(actions, now: datetime) -> None:
    for action in actions:
        action.overdue = action.is_overdue(now)
        action.effect_rows = action_effect_rows(action)


# --------------------------------------------------------------------------- calls


def _call_form_context(request, *, errors=None, posted=None) -> dict:
    computed = organisation_opels(now=timezone.now())
    posted = posted or {}
    rows = []
    for i, organisation in enumerate(declaring_organisations()):
        opel = computed.get(organisation.code)
        rows.append(
            {
                "index": i,
                "organisation": organisation,
                "computed": opel,
                "opel": posted.get(f"opel-{organisation.code}", opel),
                "comment": posted.get(f"comment-{organisation.code}", ""),
            }
        )
    return {
        "nav": "calls",
        "calls": list(calls_list()[:RECENT_CALLS]),
        "declarations": rows,
        "kinds": CallKind.choices,
        "kind": posted.get("kind", CallKind.ROUTINE),
        "chair": posted.get("chair", request.user.get_full_name() or request.user.get_username()),
        "notes": posted.get("notes", ""),
        "alerts": list(alerts_open_by_severity()),
        "errors": errors or {},
    }


def _posted_declarations(request) -> list[services.DeclarationIn]:
    """Each declaring organisation's ``opel-<code>`` (1-4 or blank) and ``comment-<code>``."""
    declarations = []
    for organisation in declaring_organisations():
        raw = request.POST.get(f"opel-{organisation.code}", "")
        declarations.append(
            services.DeclarationIn(
                organisation=organisation.code,
                opel=int(raw) if raw in ("1", "2", "3", "4") else None,
                comment=request.POST.get(f"comment-{organisation.code}", "").strip(),
            )
        )
    return declarations


@require_POST
def call_start_page(request):
    """The board's one click: a routine call starts now, chaired by whoever clicked, each
    organisation's declaration filled in with its computed OPEL (to be corrected on the call's
    page as organisations declare)."""
    _staff_only(request)
    now = timezone.now()
    computed = organisation_opels(now=now)
    call = services.call_start(
        user=request.user,
        kind=CallKind.ROUTINE,
        chair=request.user.get_full_name() or request.user.get_username(),
        declarations=[
            services.DeclarationIn(organisation=o.code, opel=computed.get(o.code))
            for o in declaring_organisations()
        ],
        now=now,
        request=request,
    )
    messages.success(request, "Call started: record each organisation's declaration below.")
    return redirect(f"{reverse('actions:call', args=[call.pk])}#declarations")


@require_POST
def call_declarations_page(request, pk: int):
    """Save the declarations as organisations make them on the call."""
    _staff_only(request)
    try:
        changed = services.call_declarations_update(
            call_id=pk,
            user=request.user,
            declarations=_posted_declarations(request),
            request=request,
        )
    except SystemCall.DoesNotExist as exc:
        raise Http404("No such call.") from exc
    except ApplicationError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(
            request, f"Declarations saved ({', '.join(changed)})." if changed else "No change."
        )
    return redirect(f"{reverse('actions:call', args=[pk])}#declarations")


@require_http_methods(["GET", "POST"])
def calls_page(request):
    """``/calls/``: recent calls, and the form to start one with each organisation's computed
    OPEL already filled in as its declaration; the open alerts to turn into actions."""
    _staff_only(request)
    if request.method == "GET":
        return render(request, "actions/calls.html", _call_form_context(request))
    declarations = _posted_declarations(request)
    kind = request.POST.get("kind", CallKind.ROUTINE)
    chair = request.POST.get("chair", "").strip()
    errors = {}
    if kind not in CallKind.values:
        errors["kind"] = "Choose routine or escalation."
    if not chair:
        errors["chair"] = "Say who chairs the call."
    if not errors:
        try:
            call = services.call_start(
                user=request.user,
                kind=kind,
                chair=chair,
                notes=request.POST.get("notes", "").strip(),
                declarations=declarations,
                request=request,
            )
        except ApplicationError as exc:
            errors["declarations"] = str(exc.detail)
        else:
            return redirect("actions:call", pk=call.pk)
    context = _call_form_context(request, errors=errors, posted=request.POST)
    return render(request, "actions/calls.html", context, status=400)


@require_GET
def call_page(request, pk: int):
    """``/calls/<id>/``: the call's record, printable on A4: declarations, the figures at its
    start, notes, and the actions agreed with owners and due times."""
    _staff_only(request)
    try:
        call = call_get(pk=pk)
    except SystemCall.DoesNotExist as exc:
        raise Http404("No such call.") from exc
    now = timezone.now()
    actions = list(call.actions.all())
    _decorate(actions, now)
    figures = call.figures
    held = {d.organisation.code: d for d in call.declarations.all()}
    declaration_rows = []
    for organisation in declaring_organisations():
        row = held.get(organisation.code)
        declaration_rows.append(
            {
                "organisation": organisation,
                "opel": row.opel if row else None,
                "computed": row.computed_opel if row else None,
                "comment": row.comment if row else "",
            }
        )
    return render(
        request,
        "actions/call.html",
        {
            "nav": "calls",
            "call": call,
            "actions": actions,
            "figures": figures,
            "started_local": timezone.localtime(call.started_at),
            "organisations": Organisation.objects.order_by("code"),
            "due_default": _due_default(now),
            "declaration_rows": declaration_rows,
        },
    )


# --------------------------------------------------------------------------- actions


def _due_default(now: datetime) -> str:
    """Two hours from now, local, as a ``datetime-local`` value."""
    return timezone.localtime(now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


@require_GET
def actions_page(request):
    """``/actions/``: open, overdue, done or cancelled actions, filtered by owner; each with its
    effect as before → after. 50 a page; the query count does not grow with the actions."""
    _staff_only(request)
    now = timezone.now()
    status = request.GET.get("status") or ActionFilter.OPEN
    if status not in ActionFilter.values:
        status = ActionFilter.OPEN
    owner = request.GET.get("owner") or None
    page = Paginator(actions_list(now=now, status=status, owner=owner), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _decorate(page.object_list, now)
    return render(
        request,
        "actions/actions.html",
        {
            "nav": "actions",
            "page": page,
            "status": status,
            "statuses": ActionFilter.choices,
            "owner": owner,
            "organisations": Organisation.objects.order_by("code"),
            "figure_labels": FIGURE_LABELS,
        },
    )


def _parse_local(value: str) -> datetime | None:
    """A ``datetime-local`` form value (no offset) is local (Europe/London) time."""
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _alert_owner(alert: Alert) -> str:
    site = Site.objects.select_related("organisation").filter(code=alert.scope).first()
    return site.organisation.code if site else alert.scope


@require_http_methods(["GET", "POST"])
def action_new_page(request):
    """``/actions/new/``: add an action; ``?alert=`` (from an alert's acknowledge form) fills in
    the scope and owner, ``?call=`` ties it to a call. Saved, it goes back where it came from."""
    _staff_only(request)
    now = timezone.now()
    source = request.POST if request.method == "POST" else request.GET
    alert = call = None
    if source.get("alert"):
        alert = Alert.objects.filter(pk=source.get("alert")).first()
    if source.get("call"):
        call = SystemCall.objects.filter(pk=source.get("call")).first()
    errors: dict = {}
    values = {
        "text": "",
        "owner_organisation": _alert_owner(alert) if alert else "",
        "owner_name": "",
        "due_at": _due_default(now),
        "scope": alert.scope if alert else "",
    }
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        due_at = _parse_local(values["due_at"])
        if due_at is None:
            errors["due_at"] = ["Give a date and time."]
        else:
            try:
                services.action_create(
                    user=request.user,
                    text=values["text"],
                    owner_organisation=values["owner_organisation"],
                    owner_name=values["owner_name"],
                    due_at=due_at,
                    scope=values["scope"] or None,
                    alert_id=alert.pk if alert else None,
                    call_id=call.pk if call else None,
                    now=now,
                    request=request,
                )
            except ApplicationError as exc:
                errors = exc.detail
            else:
                messages.success(request, "Action added.")
                if call:
                    return redirect("actions:call", pk=call.pk)
                return redirect("actions:actions")
    return render(
        request,
        "actions/new.html",
        {
            "nav": "actions",
            "alert": alert,
            "call": call,
            "values": values,
            "errors": errors,
            "organisations": Organisation.objects.order_by("code"),
            "due_default": _due_default(now),
        },
        status=400 if errors else 200,
    )


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _end_page(request, pk: int, end, done_word: str):
    _staff_only(request)
    try:
        end(action_id=pk, user=request.user, note=request.POST.get("note", ""), request=request)
    except Action.DoesNotExist as exc:
        raise Http404("No such action.") from exc
    except services.ActionNotOpen:
        current = Action.objects.values_list("status", flat=True).get(pk=pk)
        messages.error(request, f"Action {pk} is already {current}.")
    else:
        messages.success(request, f"Action {pk} {done_word}.")
    return redirect(_back(request, "/actions/"))


@require_POST
def action_done_page(request, pk: int):
    """Mark an action done from a page (a second time says it is already done)."""
    return _end_page(request, pk, services.action_done, "done")


@require_POST
def action_cancel_page(request, pk: int):
    """Cancel an action from a page."""
    return _end_page(request, pk, services.action_cancel, "cancelled")


@require_GET
def actions_csv(request):
    """``/exports/actions.csv`` (managers): every action with owner, times, status and effect."""
    if not getattr(request.user, "can_export", False):
        raise PermissionDenied("Exports are for managers.")
    now = timezone.now()
    body = actions_csv_body(actions_list(now=now).iterator(chunk_size=1000), now=now)
    audit_record(action=AuditAction.EXPORT, request=request, what="actions_csv")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="actions.csv"'
    return response
