from celery import shared_task
from django.utils import timezone

from .models import Feed
from .services import feed_pull, feeds_claim_due


@shared_task
def pull_due_feeds() -> int:
    """Beat, every 15 s: claim the due feeds and queue one pull each."""
    claimed = feeds_claim_due(now=timezone.now())
    for feed_id in claimed:
        pull_feed.delay(feed_id)
    return len(claimed)


@shared_task(soft_time_limit=120)
def pull_feed(feed_id: int) -> None:
    feed = Feed.objects.select_related("organisation").filter(pk=feed_id, enabled=True).first()
    if feed is not None:
        feed_pull(feed=feed, now=timezone.now())
