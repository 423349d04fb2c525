from celery import shared_task
from django.utils import timezone

from apps.core.events import figures_changed
from apps.sitreps.models import Submission

from .services import emergency_live_refresh


@shared_task
def refresh_live_waits() -> None:
    """Beat, every minute: minutes in the department and DTA waits grow with no new data, so
    the live board and the alert evaluation hear of the EDs with patients in them. Idle (no
    one in any department): one indexed query, nothing sent."""
    changed = emergency_live_refresh(now=timezone.now())
    if changed:
        figures_changed.send(sender=Submission, changed=changed)
