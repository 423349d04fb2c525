from celery import shared_task

from apps.core.coalesce import CoalescedRuns

from .services import alerts_evaluate


@shared_task
def evaluate_alerts() -> None:
    """After a recompute, and every minute by beat (waits and sitrep ages grow on their own)."""
    EVALUATIONS.started()
    alerts_evaluate()


# Each evaluation looks at the whole system, so one queued run covers every change before it
# starts; under a stream of sitreps they start SCC_ALERT_EVALUATION_SPACING_S apart. A request
# that finds nothing queued (Redis or the broker down) is caught up by the minute's beat run.
EVALUATIONS = CoalescedRuns(
    "escalation-evaluation",
    task=evaluate_alerts,
    spacing_setting="SCC_ALERT_EVALUATION_SPACING_S",
)
