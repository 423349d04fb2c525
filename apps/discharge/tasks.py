from celery import shared_task
from django.utils import timezone

from .services import s1_freeze_due


@shared_task
def freeze_s1() -> None:
    """Freeze every completed local day's S1 not yet frozen (catches up after missed runs)."""
    s1_freeze_due(now=timezone.now(), clock=True)
