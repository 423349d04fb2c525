from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from apps.accounts.permissions import is_staff_session

from .api.views import CLOSED_MESSAGE, EMPTY_NOTE_MESSAGE
from .choices import AlertStatus
from .models import Alert
from .rules import OPEL_PARAMETER_LABELS
from .selectors import alerts_list, alerts_open_by_severity, board_escalation
from .services import AlertNotOpen, EmptyNote, alert_acknowledge

RECENT_CLOSED = 50
TEMPLATE = "escalation/alerts.html"


def _opel_rows(escalation: dict) -> list[dict]:
    """Each site's OPEL with the level of every parameter behind it, in the table's order."""
    return [
        {
            "site": code,
            "level": detail["level"],
            "parameters": [
                {"label": OPEL_PARAMETER_LABELS[name], **parameter}
                for name, parameter in detail["parameters"].items()
            ],
        }
        for code, detail in escalation["site_opel_detail"].items()
    ]


def _page_context(*, errors: dict[int, str] | None = None, notes: dict[int, str] | None = None):
    errors, notes = errors or {}, notes or {}
    open_alerts = list(alerts_open_by_severity())
    for alert in open_alerts:
        alert.form_error = errors.get(alert.pk)
        alert.form_note = notes.get(alert.pk, "")
    escalation = board_escalation(now=timezone.now())
    return {
        "nav": "alerts",
        "open_alerts": open_alerts,
        "closed_alerts": list(alerts_list(status=AlertStatus.CLOSED)[:RECENT_CLOSED]),
        "opel_rows": _opel_rows(escalation),
        "opel_labels": list(OPEL_PARAMETER_LABELS.values()),
        "system_opel": escalation["system_opel"],
    }


@require_GET
def alerts_page(request):
    if not is_staff_session(request):
        raise PermissionDenied
    return render(request, TEMPLATE, _page_context())


@require_POST
@vary_on_headers("HX-Request")
def alert_acknowledge_page(request, pk: int):
    """Acknowledge from the page: htmx gets the alert's row back, a plain form a redirect."""
    if not is_staff_session(request):
        raise PermissionDenied
    note = request.POST.get("note", "")
    error = None
    try:
        alert_acknowledge(alert_id=pk, user=request.user, note=note, request=request)
    except Alert.DoesNotExist as exc:
        raise Http404("No such alert.") from exc
    except EmptyNote:
        error = EMPTY_NOTE_MESSAGE
    except AlertNotOpen:
        error = CLOSED_MESSAGE
    if request.htmx:
        alert = Alert.objects.select_related("acknowledged_by").get(pk=pk)
        alert.form_error, alert.form_note = error, note if error else ""
        # htmx swaps only 2xx answers, so the row carries its own error.
        response = render(request, f"{TEMPLATE}#alert-row", {"alert": alert})
        if error is None:
            # The board's alerts banner listens for this and refreshes itself.
            response["HX-Trigger"] = "alerts-changed"
        return response
    if error:
        context = _page_context(errors={pk: error}, notes={pk: note})
        return render(request, TEMPLATE, context, status=400)
    return redirect("escalation:alerts")
