"""The ingest path and the recompute outbox, shared by every kind of sitrep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.beds.models import Organisation
from apps.core.events import figures_changed
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.pipeline import outbox_sweep, submissions_recompute
from apps.sitreps.services import sitrep_ingest
from tests.discharge.factories import SEED_AS_AT, list_body, seed_patients

pytestmark = pytest.mark.django_db


def _post(body=None, *, org="RT5", key=None, now=None):
    body = body or list_body(org, SEED_AS_AT, seed_patients(org))
    return sitrep_ingest(
        kind="discharge",
        body=body,
        organisation=Organisation.objects.get(code=org),
        idempotency_key=key,
        now=now or SEED_AS_AT + timedelta(minutes=1),
    )


def test_an_accepted_sitrep_waits_in_the_outbox_until_recomputed(estate):
    result = _post()
    assert result.status == 201
    sub = Submission.objects.get(pk=result.submission_id)
    assert sub.outcome == Outcome.ACCEPTED and sub.recomputed_at is None
    heard = []
    figures_changed.connect(
        lambda sender, changed, **kw: heard.append(changed), weak=False, dispatch_uid="test-heard"
    )
    try:
        assert submissions_recompute([sub.pk]) == {"mofd:RT5"}
        # Running it again changes nothing and announces nothing.
        assert submissions_recompute([sub.pk]) == set()
    finally:
        figures_changed.disconnect(dispatch_uid="test-heard")
    assert heard == [{"mofd:RT5"}]
    sub.refresh_from_db()
    assert sub.recomputed_at is not None


def test_the_sweep_recomputes_only_what_has_waited_past_the_grace(estate, settings):
    settings.SCC_OUTBOX_GRACE_SECONDS = 20
    old = _post(key="old")
    Submission.objects.filter(pk=old.submission_id).update(
        received_at=timezone.now() - timedelta(minutes=5)
    )
    fresh = _post(list_body("OOA", SEED_AS_AT, seed_patients("OOA")), org="OOA", key="new")
    Submission.objects.filter(pk=fresh.submission_id).update(received_at=timezone.now())
    assert outbox_sweep() == 1
    assert Submission.objects.get(pk=old.submission_id).recomputed_at is not None
    assert Submission.objects.get(pk=fresh.submission_id).recomputed_at is None


def test_a_post_succeeds_with_the_broker_down_and_is_left_for_the_sweep(
    estate, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    app.conf.broker_url = "redis+socket:///nonexistent/redis.sock"
    try:
        with django_capture_on_commit_callbacks(execute=True):
            result = _post()
    finally:
        app.conf.broker_url = settings.CELERY_BROKER_URL
    assert result.status == 201
    assert Submission.objects.pending_recompute().filter(pk=result.submission_id).exists()


def test_rejected_sitreps_are_archived_and_change_nothing(estate):
    body = list_body("RT5", SEED_AS_AT, seed_patients("RT5"))
    body["patients"][3]["pathway"] = "P9"
    result = _post(body)
    assert result.status == 400
    assert "3" in str(result.body["patients"]) or 3 in result.body["patients"]
    sub = Submission.objects.get(pk=result.submission_id)
    assert sub.outcome == Outcome.REJECTED and sub.payload == body and sub.errors
    assert not Submission.objects.pending_recompute().exists()


def test_the_same_idempotency_key_replays_or_conflicts(estate):
    first = _post(key="k1")
    again = _post(key="k1")
    assert (again.status, again.body, again.replayed) == (201, first.body, True)
    other = list_body("RT5", SEED_AS_AT, seed_patients("RT5")[:5])
    conflict = _post(other, key="k1")
    assert conflict.status == 409
    assert Submission.objects.filter(outcome=Outcome.ACCEPTED).count() == 1


def test_a_body_that_is_not_json_is_refused_and_archived_without_its_content(estate):
    """It may hold anything, a name or an NHS number, and no field of it can be told from
    another: its size, a keyed digest and where it failed to parse are kept, not its text."""
    import hashlib
    import hmac

    from django.conf import settings

    body = b'{"attendances": [{"nhs_number": "9434765919", "name": "John Smith",}]}'
    result = sitrep_ingest(
        kind="discharge", body=body, organisation=Organisation.objects.get(code="RT5")
    )
    assert result.status == 400
    detail = result.body["detail"]
    assert detail.startswith("Body is not valid JSON: ") and "line 1 column 68 (char 67)" in detail
    sub = Submission.objects.get(pk=result.submission_id)
    assert (sub.outcome, sub.payload, sub.body_length) == (Outcome.REJECTED, None, len(body))
    assert sub.errors == {"detail": detail}
    keyed = hmac.new(settings.SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()
    assert sub.body_sha256 == keyed != hashlib.sha256(body).hexdigest()
    archived = str([getattr(sub, f.attname) for f in Submission._meta.concrete_fields])
    assert "9434765919" not in archived and "John Smith" not in archived


def test_every_submission_records_the_size_of_its_body(estate):
    body = list_body("RT5", SEED_AS_AT, seed_patients("RT5"))
    import json

    text = json.dumps(body, ensure_ascii=False).encode()
    assert Submission.objects.get(pk=_post(text).submission_id).body_length == len(text)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_idempotency_key_apply_once(estate):
    import threading

    from django.db import connection

    results = []
    barrier = threading.Barrier(2)

    def post():
        try:
            barrier.wait()
            results.append(_post(key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status for r in results) == [201, 201]
    assert len({r.submission_id for r in results}) == 1
    assert Submission.objects.filter(outcome=Outcome.ACCEPTED).count() == 1


# --------------------------------------------------------------------------- coalescing


def _three_accepted():
    return [
        _post(list_body(org, SEED_AS_AT, seed_patients(org)), org=org).submission_id
        for org in ("RT5", "OOA", "RWE")
    ]


def test_a_burst_of_sitreps_queues_one_recompute_until_it_starts(
    estate, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.sitreps import tasks
    from apps.sitreps.tasks import RECOMPUTES

    queued = []
    monkeypatch.setattr(tasks.recompute_pending, "apply_async", lambda **kw: queued.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        _three_accepted()
    assert len(queued) == 1
    RECOMPUTES.started()  # the task, as it starts
    with django_capture_on_commit_callbacks(execute=True):
        _post(key="after-the-start")
    assert len(queued) == 2
    # Held so that recomputes start a spacing apart (the first went at once).
    assert queued[0]["countdown"] is None and 0 < queued[1]["countdown"] <= 1.0


def test_the_drain_recomputes_every_pending_submission_in_batches(estate):
    from apps.sitreps.pipeline import outbox_drain

    ids = _three_accepted()
    heard = []
    figures_changed.connect(
        lambda sender, changed, **kw: heard.append(changed), weak=False, dispatch_uid="test-heard"
    )
    try:
        assert outbox_drain(batch=2) == 3
    finally:
        figures_changed.disconnect(dispatch_uid="test-heard")
    assert not Submission.objects.pending_recompute().filter(pk__in=ids).exists()
    assert len(heard) == 2  # one announcement per batch: {RT5, OOA} then {RWE}
    assert set().union(*heard) == {"mofd:RT5", "mofd:OOA", "mofd:RWE"}
    assert outbox_drain() == 0


@pytest.mark.django_db(transaction=True)
def test_a_drain_leaves_the_work_to_a_drainer_already_at_it(estate):
    import threading

    from django.db import connection

    from apps.sitreps.pipeline import DRAIN_LOCK_KEY, outbox_drain

    ids = _three_accepted()
    held, release = threading.Event(), threading.Event()

    def other_drainer():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [DRAIN_LOCK_KEY])
                held.set()
                release.wait(timeout=30)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [DRAIN_LOCK_KEY])
        finally:
            connection.close()

    thread = threading.Thread(target=other_drainer)
    thread.start()
    try:
        assert held.wait(timeout=30)
        assert outbox_drain() == 0
        assert Submission.objects.pending_recompute().filter(pk__in=ids).count() == 3
    finally:
        release.set()
        thread.join()
    assert outbox_drain() == 3


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_of_the_same_submissions_apply_them_once(estate):
    import threading

    from django.db import connection

    ids = _three_accepted()
    heard, barrier = [], threading.Barrier(2)
    figures_changed.connect(
        lambda sender, changed, **kw: heard.append(changed), weak=False, dispatch_uid="test-heard"
    )

    def recompute():
        try:
            barrier.wait()
            submissions_recompute(ids)
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        figures_changed.disconnect(dispatch_uid="test-heard")
    assert not Submission.objects.pending_recompute().exists()
    # Each submission was claimed by one of the two: announced once in all.
    assert sorted(name for changed in heard for name in changed) == [
        "mofd:OOA",
        "mofd:RT5",
        "mofd:RWE",
    ]


def test_the_admin_shows_a_refused_unreadable_body(estate, admin_client):
    result = sitrep_ingest(
        kind="discharge", body=b"{not json", organisation=Organisation.objects.get(code="RT5")
    )
    page = admin_client.get(f"/admin/sitreps/submission/{result.submission_id}/change/")
    assert page.status_code == 200
    assert b"Body is not valid JSON" in page.content and b"{not json" not in page.content
