"""Pulling a feed end to end: a real HTTP server on loopback, the real ingest path."""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.beds.models import Organisation
from apps.feeds import services
from apps.feeds.models import Feed
from apps.feeds.services import feed_create, feed_pull
from apps.sitreps.choices import Outcome, Source
from apps.sitreps.models import Submission

from .conftest import Reply

pytestmark = pytest.mark.django_db

CENSUS = {
    "as_at": "2026-01-05T08:00:00+00:00",
    "wards": [{"ward": "VW-FRAILTY", "capacity": 20, "occupied": 14}],
}
CENSUS_CSV = b"as_at,ward,capacity,occupied\n2026-01-05T08:00:00+00:00,VW-FRAILTY,20,14\n"


def _now():
    # Real time: the ingest refuses sitreps from the future, and the API judges staleness now.
    return timezone.now().replace(microsecond=0)


def _feed(url: str, *, org="RT5", kind="virtual_wards", format="json", **kw) -> Feed:
    return feed_create(
        organisation=Organisation.objects.get(code=org), kind=kind, url=url, format=format, **kw
    )


def _shown(client, feed: Feed) -> dict:
    response = client.get("/api/v1/feeds/")
    assert response.status_code == 200
    return next(row for row in response.json() if row["id"] == feed.pk)


def test_it_ingests_a_json_document_as_a_feed_submission(estate, handlers, feed_server, scc_client):
    url = feed_server.serve("/census.json", Reply(body=json.dumps(CENSUS).encode()))
    feed = _feed(url)
    now = _now()

    outcome = feed_pull(feed=feed, now=now)

    assert outcome.ok and outcome.ingested
    sub = Submission.objects.get()
    assert (sub.source, sub.outcome, sub.kind) == (Source.FEED, Outcome.ACCEPTED, "virtual_wards")
    assert sub.organisation.code == "RT5" and sub.payload == CENSUS
    assert sub.idempotency_key.startswith(f"feed:{feed.pk}:")
    assert handlers["virtual_wards"].applied[0]["wards"][0]["occupied"] == 14
    feed.refresh_from_db()
    assert feed.last_submission_id == sub.pk and feed.consecutive_failures == 0
    assert feed.next_pull_at == now + timedelta(seconds=300)
    shown = _shown(scc_client, feed)
    assert shown["last_error"] is None and shown["stale"] is False
    assert shown["last_success_at"] is not None and shown["last_pulled_at"] is not None


def test_it_converts_a_csv_document_to_the_post_body(estate, handlers, feed_server):
    feed = _feed(feed_server.serve("/census.csv", Reply(body=CENSUS_CSV)), format="csv")

    assert feed_pull(feed=feed, now=_now()).ingested

    sub = Submission.objects.get()
    assert sub.source == Source.FEED and sub.payload == CENSUS
    assert len(handlers["virtual_wards"].applied) == 1


def test_it_sends_the_feed_headers_and_asks_for_its_format(estate, handlers, feed_server):
    url = feed_server.serve("/census.csv", Reply(body=CENSUS_CSV))
    feed = _feed(url, format="csv", headers={"Authorization": "Bearer s3cret"})

    feed_pull(feed=feed, now=_now())

    request = feed_server.requests[0]
    assert request["authorization"] == "Bearer s3cret"
    assert request["accept"] == "text/csv"


def test_the_same_document_pulled_twice_is_applied_once(estate, handlers, feed_server):
    feed = _feed(feed_server.serve("/census.json", Reply(body=json.dumps(CENSUS).encode())))

    first = feed_pull(feed=feed, now=_now())
    second = feed_pull(feed=feed, now=_now())

    assert first.ingested and second.ok and not second.ingested
    assert second.submission_id == first.submission_id
    assert Submission.objects.count() == 1
    assert len(handlers["virtual_wards"].applied) == 1


def test_an_unchanged_document_is_a_304_and_nothing_is_ingested(
    estate, handlers, feed_server, scc_client
):
    body = json.dumps(CENSUS).encode()
    feed = _feed(feed_server.serve("/c.json", Reply(body=body, headers={"ETag": '"v1"'})))
    first = _now() - timedelta(minutes=6)
    feed_pull(feed=feed, now=first)
    feed.refresh_from_db()
    assert feed.etag == '"v1"'

    later = _now()
    outcome = feed_pull(feed=feed, now=later)

    assert outcome.ok and not outcome.ingested
    assert feed_server.requests[1]["if-none-match"] == '"v1"'
    assert Submission.objects.count() == 1 and len(handlers["virtual_wards"].applied) == 1
    feed.refresh_from_db()
    assert feed.last_success_at == later and feed.last_error is None
    assert _shown(scc_client, feed)["stale"] is False


def test_it_sends_if_modified_since_from_the_last_good_document(estate, handlers, feed_server):
    stamp = "Mon, 05 Jan 2026 08:00:00 GMT"
    body = json.dumps(CENSUS).encode()
    feed = _feed(feed_server.serve("/c.json", Reply(body=body, headers={"Last-Modified": stamp})))

    feed_pull(feed=feed, now=_now())
    feed_pull(feed=feed, now=_now())

    assert "if-modified-since" not in feed_server.requests[0]
    assert feed_server.requests[1]["if-modified-since"] == stamp


def test_a_server_error_is_recorded_and_retried_later_and_later(
    estate, handlers, feed_server, scc_client
):
    url = feed_server.serve("/c.json", Reply(500, b"oops"))
    feed = _feed(url, every_s=60)
    now = _now()

    feed_pull(feed=feed, now=now)
    feed.refresh_from_db()
    assert feed.last_error == "HTTP 500 Internal Server Error."
    assert feed.last_error_at == now and feed.consecutive_failures == 1
    assert feed.next_pull_at == now + timedelta(seconds=60)

    feed_pull(feed=feed, now=now)
    feed_pull(feed=feed, now=now)
    feed.refresh_from_db()
    assert feed.consecutive_failures == 3
    assert feed.next_pull_at == now + timedelta(seconds=240)
    assert Submission.objects.count() == 0
    shown = _shown(scc_client, feed)
    assert shown["last_error"] == "HTTP 500 Internal Server Error."
    assert shown["last_success_at"] is None

    feed_server.serve("/c.json", Reply(body=json.dumps(CENSUS).encode()))
    assert feed_pull(feed=feed, now=now).ok
    feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_error is None
    assert feed.next_pull_at == now + timedelta(seconds=60)


def test_a_failing_feed_keeps_the_last_good_figures(estate, handlers, feed_server, scc_client):
    feed = _feed(feed_server.serve("/c.json", Reply(body=json.dumps(CENSUS).encode())))
    good = _now() - timedelta(minutes=3)
    feed_pull(feed=feed, now=good)

    feed_server.serve("/c.json", Reply(503, b"down"))
    feed_pull(feed=feed, now=_now())

    assert len(handlers["virtual_wards"].applied) == 1
    feed.refresh_from_db()
    assert feed.last_success_at == good
    shown = _shown(scc_client, feed)
    assert shown["last_error"] == "HTTP 503 Service Unavailable." and shown["stale"] is False


def test_a_slow_server_times_out(estate, handlers, feed_server, scc_client):
    url = feed_server.serve("/slow.json", Reply(body=b"{}", delay_s=1.0))
    feed = _feed(url)

    outcome = feed_pull(feed=feed, now=_now(), timeout_s=0.2)

    assert not outcome.ok
    feed.refresh_from_db()
    assert feed.last_error == "Timed out: no complete answer within 0.2 s."
    assert feed.consecutive_failures == 1
    assert _shown(scc_client, feed)["last_error"].startswith("Timed out")


def test_a_server_that_trickles_is_cut_off_at_the_total_time(estate, handlers, feed_server):
    url = feed_server.serve("/drip.json", Reply(body=json.dumps(CENSUS).encode(), trickle_s=0.05))
    feed = _feed(url)
    started = time.monotonic()

    outcome = feed_pull(feed=feed, now=_now(), timeout_s=0.3)

    assert outcome.message == "Timed out: no complete answer within 0.3 s."
    assert time.monotonic() - started < 1.0
    assert Submission.objects.count() == 0


def test_an_unreachable_server_is_recorded(estate, handlers):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    feed = _feed(f"http://127.0.0.1:{port}/gone.json")

    outcome = feed_pull(feed=feed, now=_now())

    assert not outcome.ok and outcome.message.startswith("Could not fetch (ConnectError)")


@pytest.mark.parametrize("send_length", [True, False], ids=["declared", "streamed"])
def test_an_oversized_document_is_refused(estate, handlers, feed_server, send_length):
    body = json.dumps({**CENSUS, "padding": "x" * 5000}).encode()
    feed = _feed(feed_server.serve("/big.json", Reply(body=body, send_length=send_length)))

    outcome = feed_pull(feed=feed, now=_now(), max_bytes=1000)

    assert outcome.message == "The document is larger than the 1,000 byte limit; nothing was read."
    assert Submission.objects.count() == 0 and handlers["virtual_wards"].applied == []


def test_a_refused_request_is_recorded_with_its_status(estate, handlers, feed_server):
    feed = _feed(feed_server.serve("/c.json", Reply(403, b"no")))

    assert feed_pull(feed=feed, now=_now()).message == "HTTP 403 Forbidden."


def test_a_redirect_is_not_followed(estate, handlers, feed_server):
    other = feed_server.serve("/new.json", Reply(body=json.dumps(CENSUS).encode()))
    feed = _feed(feed_server.serve("/old.json", Reply(301, headers={"Location": other})))

    outcome = feed_pull(feed=feed, now=_now())

    assert outcome.message == f"HTTP 301: redirected to {other}; update the feed URL."
    assert len(feed_server.requests) == 1


def test_malformed_json_is_recorded_and_archived_and_nothing_applied(
    estate, handlers, feed_server, scc_client
):
    feed = _feed(feed_server.serve("/c.json", Reply(body=b'{"as_at": "2026-01-05T08:00:00Z",')))

    outcome = feed_pull(feed=feed, now=_now())

    assert outcome.message.startswith("Rejected (HTTP 400): Body is not valid JSON:")
    assert "line 1 column" in outcome.message
    sub = Submission.objects.get()
    assert sub.outcome == Outcome.REJECTED and sub.source == Source.FEED
    assert handlers["virtual_wards"].applied == []
    assert _shown(scc_client, feed)["last_error"] == outcome.message


def test_malformed_csv_names_the_row_and_column_and_applies_nothing(
    estate, handlers, feed_server, scc_client
):
    csv = CENSUS_CSV + b"2026-01-05T08:00:00+00:00,VW-ASTHMA,40,lots\n"
    feed = _feed(feed_server.serve("/c.csv", Reply(body=csv)), format="csv")

    outcome = feed_pull(feed=feed, now=_now())

    assert outcome.message == "Malformed CSV: row 3, column occupied: 'lots' is not a whole number."
    assert Submission.objects.count() == 0 and handlers["virtual_wards"].applied == []
    assert _shown(scc_client, feed)["last_error"] == outcome.message


def test_a_csv_item_refused_by_validation_names_its_row(estate, handlers, feed_server):
    csv = (
        b"site,as_at,ward,occupied,vacant,closed,escalation_open\n"
        b"RWE-LRI,2026-01-05T08:00:00+00:00,LRI-W22,18,2,0,0\n"
        b"RWE-LRI,2026-01-05T08:00:00+00:00,LRI-W23,-1,2,0,0\n"
    )
    url = feed_server.serve("/beds.csv", Reply(body=csv))
    feed = _feed(url, org="RWE", kind="beds", format="csv")

    outcome = feed_pull(feed=feed, now=_now())

    assert outcome.message == (
        "Rejected (HTTP 400): row 3 (wards.1.counts.occupied): "
        "Ensure this value is greater than or equal to 0."
    )
    sub = Submission.objects.get()
    assert sub.outcome == Outcome.REJECTED and handlers["beds"].applied == []
    feed.refresh_from_db()
    assert feed.last_submission_id == sub.pk


def test_a_sitrep_the_organisation_may_not_send_is_recorded(estate, handlers, feed_server):
    feed = _feed(feed_server.serve("/c.json", Reply(body=json.dumps(CENSUS).encode())), org="RX9")

    outcome = feed_pull(feed=feed, now=_now())

    assert outcome.message == "Rejected (HTTP 403): RX9 may not send virtual_wards sitreps."


def test_a_rejected_document_does_not_make_the_next_pull_conditional(estate, handlers, feed_server):
    bad = Reply(body=b"not json", headers={"ETag": '"bad"'})
    feed = _feed(feed_server.serve("/c.json", bad))

    feed_pull(feed=feed, now=_now())
    feed_pull(feed=feed, now=_now())

    assert "if-none-match" not in feed_server.requests[1]
    feed.refresh_from_db()
    assert feed.etag == "" and feed.last_error.startswith("Rejected (HTTP 400)")


def test_a_feed_silent_beyond_its_interval_shows_stale(estate, handlers, feed_server, scc_client):
    feed = _feed(feed_server.serve("/c.json", Reply(body=json.dumps(CENSUS).encode())))
    feed_pull(feed=feed, now=_now() - timedelta(seconds=2 * 300 + 61))

    shown = _shown(scc_client, feed)

    assert shown["stale"] is True and shown["last_error"] is None


def test_a_feed_that_never_succeeded_is_stale_once_overdue(estate, scc_client):
    feed = _feed("http://127.0.0.1:9/never.json")
    assert _shown(scc_client, feed)["stale"] is False

    Feed.objects.filter(pk=feed.pk).update(created_at=_now() - timedelta(seconds=661))

    assert _shown(scc_client, feed)["stale"] is True


def test_a_fault_in_the_ingest_shows_on_the_feed_and_is_raised(
    estate, handlers, feed_server, monkeypatch
):
    feed = _feed(feed_server.serve("/c.json", Reply(body=json.dumps(CENSUS).encode())))

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "sitrep_ingest", broken)
    with pytest.raises(RuntimeError):
        feed_pull(feed=feed, now=_now())

    feed.refresh_from_db()
    assert feed.last_error == "Could not ingest (RuntimeError); see the logs."
