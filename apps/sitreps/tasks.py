"""The recompute tasks: coalesced runs of the outbox drain, and the sweep for lost messages."""

from celery import shared_task

from apps.core.coalesce import CoalescedRuns
from apps.core.figures import figures_version_bump

from .models import Submission
from .pipeline import outbox_drain, outbox_sweep


@shared_task(acks_late=True)
def recompute_pending() -> None:
    """Queued on commit of accepted sitreps (coalesced): recompute everything pending."""
    RECOMPUTES.started()
    outbox_drain()
    # Sitreps committed during this run queued the next; this covers one whose run found the
    # drain lock taken and stopped.
    if Submission.objects.pending_recompute().exists():
        recompute_request()


# Recomputes take everything pending since the last one, so bursts of sitreps coalesce.
RECOMPUTES = CoalescedRuns(
    "recompute", task=recompute_pending, spacing_setting="SCC_RECOMPUTE_SPACING_S"
)


def recompute_request() -> None:
    """On commit of an accepted sitrep: the figures changed, and a recompute is due. If it is
    never queued (Redis or the broker down), the outbox sweep recomputes the sitrep later."""
    figures_version_bump()
    RECOMPUTES.request()


@shared_task
def sweep_outbox() -> None:
    """Beat: recompute accepted submissions whose message was lost (``outbox_sweep``)."""
    outbox_sweep()


@shared_task(acks_late=True, name="apps.sitreps.tasks.recompute_submissions")
def recompute_submissions_legacy(*_old_message_args) -> None:
    """Messages queued by releases before recomputes were coalesced carried one sitrep's ids;
    a broker may still hold some after an upgrade. Their arguments are not needed (every
    pending submission is recomputed): they are drained like ``recompute_pending``. Nothing
    queues this task any more; it can go once no such message can be left."""
    recompute_pending()
