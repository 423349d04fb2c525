"""Evaluate the rules after figures change, coalescing bursts into one queued evaluation."""

from __future__ import annotations

from django.db import transaction

from .tasks import EVALUATIONS


def evaluation_request(sender=None, **kwargs) -> None:
    """Receiver of ``figures_changed``: queue one evaluation once the current transaction
    commits (nothing, if it rolls back)."""
    transaction.on_commit(EVALUATIONS.request)
