"""Feed reads: one scoping selector for the API, and the feeds with problems for the board."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from apps.beds.models import Organisation

from .models import Feed
from .rules import headers_masked, url_for_display


def feeds_visible(*, organisation: Organisation | None) -> QuerySet[Feed]:
    """Staff (``organisation=None``) see every feed; a provider key its organisation's."""
    feeds = Feed.objects.select_related("organisation")
    if organisation is not None:
        feeds = feeds.filter(organisation=organisation)
    return feeds


def feed_status(feed: Feed, *, now: datetime) -> dict[str, Any]:
    """A feed as ``GET /api/v1/feeds/`` shows it; credentials never leave."""
    return {
        "id": feed.pk,
        "organisation": feed.organisation.code,
        "kind": feed.kind,
        "url": url_for_display(feed.url),
        "format": feed.format,
        "every_s": feed.every_s,
        "enabled": feed.enabled,
        "headers": headers_masked(feed.headers),
        "last_pulled_at": feed.last_pulled_at,
        "last_success_at": feed.last_success_at,
        "last_error": feed.last_error,
        "last_error_at": feed.last_error_at,
        "consecutive_failures": feed.consecutive_failures,
        "next_pull_at": feed.next_pull_at,
        "stale": feed.is_stale(now=now),
    }


def feeds_list(*, organisation: Organisation | None, now: datetime) -> list[dict[str, Any]]:
    return [feed_status(f, now=now) for f in feeds_visible(organisation=organisation)]


def feeds_board(*, now: datetime) -> list[dict[str, Any]]:
    """Enabled feeds that need attention (failing or stale), rows as in ``feeds_list``.

    One query whatever the number of feeds; staleness is the rule in ``rules.feed_is_stale``.
    """
    rows = [feed_status(f, now=now) for f in feeds_visible(organisation=None).filter(enabled=True)]
    return [r for r in rows if r["last_error"] is not None or r["stale"]]
