"""Evaluate the rules after figures change, coalescing bursts into one queued evaluation."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# Set while an evaluation is queued and not yet started; the task clears it as it starts, so
# a change after that queues another. It expires in case a message is lost (beat also runs).
PENDING_KEY = "escalation:evaluation-pending"
PENDING_TIMEOUT_S = 60


def evaluation_request(sender=None, **kwargs) -> None:
    """Receiver of ``figures_changed``: queue one evaluation after the current transaction."""
    if not cache.add(PENDING_KEY, 1, timeout=PENDING_TIMEOUT_S):
        return
    transaction.on_commit(_enqueue)


def _enqueue() -> None:
    from .tasks import evaluate_alerts

    try:
        evaluate_alerts.delay()
    except Exception:
        # The broker is down: the minute's beat evaluation catches up.
        cache.delete(PENDING_KEY)
        logger.exception("could not queue an alert evaluation")
