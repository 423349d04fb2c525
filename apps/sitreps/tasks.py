from celery import shared_task

from .pipeline import outbox_sweep, submissions_recompute


@shared_task(acks_late=True)
def recompute_submissions(submission_ids: list[int]) -> None:
    submissions_recompute(submission_ids)


@shared_task
def sweep_outbox() -> None:
    outbox_sweep()
