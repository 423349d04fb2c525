"""Evaluate the rules after figures change, coalescing bursts into one queued evaluation."""

from __future__ import annotations

from django.db import transaction

from apps.core.coalesce import CoalescedRuns


def _evaluation_task():
    from .tasks import evaluate_alerts

    return evaluate_alerts


# Each evaluation looks at the whole system, so one queued run covers every change before it
# starts; under a stream of sitreps they start SCC_ALERT_EVALUATION_SPACING_S apart. A request
# that finds nothing queued (Redis or the broker down) is caught up by the minute's beat run.
EVALUATIONS = CoalescedRuns(
    "escalation-evaluation",
    task=_evaluation_task,
    spacing_setting="SCC_ALERT_EVALUATION_SPACING_S",
)


def evaluation_request(sender=None, **kwargs) -> None:
    """Receiver of ``figures_changed``: queue one evaluation once the current transaction
    commits (nothing, if it rolls back)."""
    transaction.on_commit(EVALUATIONS.request)
