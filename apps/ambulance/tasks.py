from celery import shared_task
from django.utils import timezone

from apps.core.events import figures_changed
from apps.sitreps.models import Submission

from .response_selectors import waiting_organisations
from .services import handovers_live_refresh


@shared_task
def refresh_live_waits() -> None:
    """Beat, every minute: lost time accrues while crews wait, and 999 calls wait longer,
    with no new data. The board shows response waits measured to now; this tells the open
    pages (``ambulance_response:<code>``) and the escalation rules that they moved."""
    now = timezone.now()
    changed = handovers_live_refresh(now=now)
    changed |= {f"ambulance_response:{code}" for code in waiting_organisations(now=now)}
    if changed:
        figures_changed.send(sender=Submission, changed=changed)
