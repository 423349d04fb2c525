"""The ingest path and the recompute outbox, shared by every kind of sitrep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.beds.models import Organisation
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission
from apps.sitreps.pipeline import figures_changed, outbox_sweep, submissions_recompute
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


def test_a_body_that_is_not_json_is_refused_and_archived(estate):
    result = sitrep_ingest(
        kind="discharge", body=b"{not json", organisation=Organisation.objects.get(code="RT5")
    )
    assert result.status == 400 and "not valid JSON" in result.body["detail"]
    assert Submission.objects.get(pk=result.submission_id).raw_body == "{not json"


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
