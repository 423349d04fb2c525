import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from apps.beds.models import Organisation
from apps.feeds import tasks
from apps.feeds.models import Feed
from apps.feeds.services import feed_create, feeds_claim_due

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _feed(*, next_pull_at, enabled=True, every_s=300, url="http://127.0.0.1:9/x.json") -> Feed:
    feed = feed_create(
        organisation=Organisation.objects.get(code="RT5"),
        kind="virtual_wards",
        url=url,
        format="json",
        every_s=every_s,
    )
    Feed.objects.filter(pk=feed.pk).update(next_pull_at=next_pull_at, enabled=enabled)
    return feed


@pytest.mark.django_db
def test_it_claims_only_enabled_feeds_that_are_due(estate):
    due = _feed(next_pull_at=NOW, every_s=60, url="http://a.example/1")
    _feed(next_pull_at=NOW + timedelta(seconds=1), url="http://a.example/2")
    _feed(next_pull_at=NOW - timedelta(hours=1), enabled=False, url="http://a.example/3")

    assert feeds_claim_due(now=NOW) == [due.pk]

    due.refresh_from_db()
    assert due.next_pull_at == NOW + timedelta(seconds=60)
    assert feeds_claim_due(now=NOW) == []


@pytest.mark.django_db(transaction=True)
def test_two_pullers_at_once_never_claim_the_same_feed(estate):
    feeds = [_feed(next_pull_at=NOW, url=f"http://a.example/{i}") for i in range(20)]
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def puller():
        barrier.wait()
        try:
            claimed.append(feeds_claim_due(now=NOW))
        finally:
            connection.close()

    threads = [threading.Thread(target=puller) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    together = claimed[0] + claimed[1]
    assert sorted(together) == sorted(f.pk for f in feeds)


@pytest.mark.django_db
def test_the_beat_task_queues_one_pull_per_claimed_feed(estate, monkeypatch):
    first = _feed(next_pull_at=NOW - timedelta(minutes=1), url="http://a.example/1")
    second = _feed(next_pull_at=NOW - timedelta(minutes=2), url="http://a.example/2")
    queued = []
    monkeypatch.setattr(tasks.pull_feed, "delay", queued.append)

    assert tasks.pull_due_feeds() == 2
    assert queued == [second.pk, first.pk]
    assert tasks.pull_due_feeds() == 0


@pytest.mark.django_db
def test_the_pull_task_pulls_an_enabled_feed_and_skips_a_disabled_one(estate, monkeypatch):
    on = _feed(next_pull_at=NOW, url="http://a.example/1")
    off = _feed(next_pull_at=NOW, enabled=False, url="http://a.example/2")
    pulled = []
    monkeypatch.setattr(tasks, "feed_pull", lambda *, feed, now: pulled.append(feed.pk))

    tasks.pull_feed(on.pk)
    tasks.pull_feed(off.pk)
    tasks.pull_feed(10**9)

    assert pulled == [on.pk]


def test_the_beat_pulls_due_feeds_every_15_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["feeds-pull-due"]
    assert entry["task"] == tasks.pull_due_feeds.name == "apps.feeds.tasks.pull_due_feeds"
    assert entry["schedule"] == 15.0
