from celery import shared_task
from django.core.cache import cache

from .receivers import PENDING_KEY, evaluation_started
from .services import alerts_evaluate


@shared_task
def evaluate_alerts() -> None:
    """After a recompute, and every minute by beat (waits and sitrep ages grow on their own)."""
    cache.delete(PENDING_KEY)
    evaluation_started()
    alerts_evaluate()
