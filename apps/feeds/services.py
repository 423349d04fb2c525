"""Feed writes: register, claim due feeds, pull one (fetch → the one ingest path → record)."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.conf import settings

from apps.beds.models import Organisation
from apps.sitreps.choices import Source
from apps.sitreps.services import sitrep_ingest

from .choices import FeedFormat
from .csvfeeds import CsvError, csv_to_body
from .models import Feed
from .rules import errors_summary, pull_delay

logger = logging.getLogger(__name__)

USER_AGENT = "scc-capacity-board/1 (feed puller)"
ACCEPT = {FeedFormat.JSON: "application/json", FeedFormat.CSV: "text/csv"}
ERROR_MAX_CHARS = 2000


def feed_create(
    *,
    organisation: Organisation,
    kind: str,
    url: str,
    format: str,
    every_s: int = 300,
    headers: dict[str, str] | None = None,
) -> Feed:
    """Register a feed; ``ValidationError`` (per field) if anything does not fit."""
    feed = Feed(
        organisation=organisation,
        kind=kind,
        url=url,
        format=format,
        every_s=every_s,
        headers=headers or {},
    )
    feed.full_clean()
    feed.save()
    return feed


def feeds_claim_due(*, now: datetime, limit: int = 200) -> list[int]:
    """Claim the enabled feeds due by ``now``; returns the ids this caller may pull.

    Each claim is a conditional UPDATE (still due → next pull one interval on) whose row count
    says who won, so concurrent beats or workers never pull the same feed twice.
    """
    due = (
        Feed.objects.filter(enabled=True, next_pull_at__lte=now)
        .order_by("next_pull_at")
        .values_list("pk", "every_s")[:limit]
    )
    claimed = []
    for pk, every_s in due:
        won = Feed.objects.filter(pk=pk, enabled=True, next_pull_at__lte=now).update(
            next_pull_at=now + timedelta(seconds=every_s)
        )
        if won:
            claimed.append(pk)
    return claimed


@dataclass(frozen=True)
class PullOutcome:
    ok: bool
    message: str = ""
    submission_id: int | None = None
    ingested: bool = False


class FetchError(Exception):
    """The document could not be fetched; the message is what an operator sees."""


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""


def feed_pull(
    *,
    feed: Feed,
    now: datetime,
    timeout_s: float | None = None,
    connect_timeout_s: float | None = None,
    max_bytes: int | None = None,
) -> PullOutcome:
    """Fetch the feed's document and hand it to the sitrep ingest; record how it went.

    Nothing is applied unless the ingest accepts the whole document. No transaction is held
    while the HTTP request runs.
    """
    try:
        fetched = _fetch(
            feed,
            timeout_s=settings.SCC_FEED_TIMEOUT_S if timeout_s is None else timeout_s,
            connect_timeout_s=(
                settings.SCC_FEED_CONNECT_TIMEOUT_S
                if connect_timeout_s is None
                else connect_timeout_s
            ),
            max_bytes=settings.SCC_FEED_MAX_BYTES if max_bytes is None else max_bytes,
        )
    except FetchError as exc:
        return _failed(feed, now=now, message=str(exc))

    if fetched.status == 304:
        return _succeeded(feed, now=now, fetched=None, submission_id=None)

    key = f"feed:{feed.pk}:{hashlib.sha256(fetched.body).hexdigest()}"
    rows = None
    body: bytes | dict = fetched.body
    if feed.format == FeedFormat.CSV:
        try:
            document = csv_to_body(kind=feed.kind, content=fetched.body)
        except CsvError as exc:
            return _failed(feed, now=now, message=f"Malformed CSV: {exc}")
        body, rows = document.body, document.rows

    try:
        result = sitrep_ingest(
            kind=feed.kind,
            body=body,
            organisation=feed.organisation,
            source=Source.FEED,
            idempotency_key=key,
            now=now,
        )
    except Exception as exc:
        # A fault of ours, not the provider's: still show it on the feed, then let it surface.
        _failed(feed, now=now, message=f"Could not ingest ({type(exc).__name__}); see the logs.")
        raise
    if result.status == 201:
        return _succeeded(
            feed,
            now=now,
            fetched=fetched,
            submission_id=result.submission_id,
            ingested=not result.replayed,
        )
    return _failed(
        feed,
        now=now,
        message=errors_summary(result.body, status=result.status, rows=rows),
        submission_id=result.submission_id,
    )


def _fetch(feed: Feed, *, timeout_s: float, connect_timeout_s: float, max_bytes: int) -> Fetched:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT.get(feed.format, "*/*"),
        **feed.headers,
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    timeout = httpx.Timeout(timeout_s, connect=min(connect_timeout_s, timeout_s))
    deadline = time.monotonic() + timeout_s
    try:
        # Redirects are not followed: they would carry the feed's credentials elsewhere.
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", feed.url, headers=headers) as response,
        ):
            status = response.status_code
            if status == 304:
                return Fetched(304)
            if 300 <= status < 400:
                where = response.headers.get("location", "nowhere")
                raise FetchError(f"HTTP {status}: redirected to {where}; update the feed URL.")
            if status >= 400:
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip() + ".")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(_too_large(max_bytes))
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(_too_large(max_bytes))
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("total time exceeded")
                chunks.append(chunk)
            return Fetched(
                status,
                b"".join(chunks),
                etag=response.headers.get("etag", ""),
                last_modified=response.headers.get("last-modified", ""),
            )
    except httpx.TimeoutException:
        raise FetchError(f"Timed out: no complete answer within {timeout_s:g} s.") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise FetchError(f"Bad feed URL: {exc}.") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not fetch ({type(exc).__name__}): {exc}.") from None


def _too_large(max_bytes: int) -> str:
    return f"The document is larger than the {max_bytes:,} byte limit; nothing was read."


def _succeeded(
    feed: Feed,
    *,
    now: datetime,
    fetched: Fetched | None,
    submission_id: int | None,
    ingested: bool = False,
) -> PullOutcome:
    feed.last_pulled_at = feed.last_success_at = now
    feed.last_error = feed.last_error_at = None
    feed.consecutive_failures = 0
    feed.next_pull_at = now + pull_delay(
        every_s=feed.every_s, consecutive_failures=0, cap_s=settings.SCC_FEED_BACKOFF_CAP_S
    )
    fields = [
        "last_pulled_at",
        "last_success_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "next_pull_at",
    ]
    if fetched is not None:
        # Validators are kept only for a document that went in, so a 304 always means
        # "unchanged since a good document".
        feed.etag, feed.last_modified = fetched.etag[:500], fetched.last_modified[:100]
        fields += ["etag", "last_modified"]
    if submission_id is not None:
        feed.last_submission_id = submission_id
        fields.append("last_submission")
    feed.save(update_fields=fields)
    return PullOutcome(True, submission_id=submission_id, ingested=ingested)


def _failed(
    feed: Feed, *, now: datetime, message: str, submission_id: int | None = None
) -> PullOutcome:
    message = message[:ERROR_MAX_CHARS]
    feed.last_pulled_at = feed.last_error_at = now
    feed.last_error = message
    feed.consecutive_failures += 1
    feed.next_pull_at = now + pull_delay(
        every_s=feed.every_s,
        consecutive_failures=feed.consecutive_failures,
        cap_s=settings.SCC_FEED_BACKOFF_CAP_S,
    )
    fields = [
        "last_pulled_at",
        "last_error",
        "last_error_at",
        "consecutive_failures",
        "next_pull_at",
    ]
    if submission_id is not None:
        feed.last_submission_id = submission_id
        fields.append("last_submission")
    feed.save(update_fields=fields)
    logger.warning("feed %s failed (%d in a row): %s", feed.pk, feed.consecutive_failures, message)
    return PullOutcome(False, message=message, submission_id=submission_id)


def feeds_mark_due(*, feed_ids: list[int], now: datetime) -> int:
    """Make these feeds due now (the admin's "pull now"); the next beat claims them."""
    return Feed.objects.filter(pk__in=feed_ids, enabled=True).update(next_pull_at=now)
