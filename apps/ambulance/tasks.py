from celery import shared_task
from django.utils import timezone

from apps.core.events import figures_changed
from apps.sitreps.models import Submission

from .services import handovers_live_refresh


@shared_task
def refresh_live_waits() -> None:
    """Beat, every minute: lost time accrues while crews wait, with no new data."""
    changed = handovers_live_refresh(now=timezone.now())
    if changed:
        figures_changed.send(sender=Submission, changed=changed)
