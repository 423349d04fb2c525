from celery import shared_task

from .pipeline import RECOMPUTES, outbox_drain, outbox_sweep


@shared_task(acks_late=True)
def recompute_pending() -> None:
    """Queued on commit of accepted sitreps (coalesced): recompute everything pending."""
    RECOMPUTES.started()
    outbox_drain()


@shared_task
def sweep_outbox() -> None:
    outbox_sweep()


@shared_task(acks_late=True)
def recompute_submissions(submission_ids: list[int]) -> None:
    """Messages queued before recomputes were coalesced (one per sitrep): drain as well."""
    outbox_drain()
