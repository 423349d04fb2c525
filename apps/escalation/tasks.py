from celery import shared_task

from .receivers import EVALUATIONS
from .services import alerts_evaluate


@shared_task
def evaluate_alerts() -> None:
    """After a recompute, and every minute by beat (waits and sitrep ages grow on their own)."""
    EVALUATIONS.started()
    alerts_evaluate()
