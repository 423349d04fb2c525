"""The idempotency-key migration (0004) goes both ways, with refused rows sharing a key."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.beds.models import Organisation
from apps.sitreps.choices import Outcome
from apps.sitreps.models import Submission

BEFORE = [("sitreps", "0003_submission_kind_emergency")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _row(org, outcome, key="K"):
    status = 201 if outcome == Outcome.ACCEPTED else 400
    return Submission.objects.create(
        kind="reap", organisation=org, idempotency_key=key, body_sha256="0" * 64,
        outcome=outcome, status_code=status,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_refused_rows_sharing_a_key_survive_the_way_back_and_forth(estate):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("sitreps")
    org = Organisation.objects.get(code="RX9")
    refused_first = _row(org, Outcome.REJECTED)
    accepted = _row(org, Outcome.ACCEPTED)
    refused_after = _row(org, Outcome.REJECTED)
    only_refused = [_row(org, Outcome.REJECTED, "R"), _row(org, Outcome.REJECTED, "R")]
    try:
        _migrate(BEFORE)  # one row per key again: the accepted one keeps it, else the first
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, idempotency_key FROM sitreps_submission ORDER BY id")
            keys = dict(cursor.fetchall())
        assert keys == {
            refused_first.pk: None,
            accepted.pk: "K",
            refused_after.pk: None,
            only_refused[0].pk: "R",
            only_refused[1].pk: None,
        }
    finally:
        _migrate(latest)
    # Forward again: refused rows may share the key of the accepted one.
    _row(org, Outcome.REJECTED)
    assert Submission.objects.filter(idempotency_key="K").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_raw_body_held_before_0005_is_scrubbed_to_its_size_and_a_keyed_digest(estate):
    import hashlib
    import hmac

    from django.conf import settings

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("sitreps")
    org = Organisation.objects.get(code="RWE")
    text = '{"nhs_number": "9434765919",}'
    try:
        _migrate([("sitreps", "0004_idempotency_key_held_by_accepted_only")])
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sitreps_submission (kind, organisation_id, source, received_at,"
                " body_sha256, raw_body, outcome, status_code)"
                " VALUES ('emergency', %s, 'api', now(), %s, %s, 'rejected', 400) RETURNING id",
                [org.pk, hashlib.sha256(text.encode()).hexdigest(), text],
            )
            (pk,) = cursor.fetchone()
    finally:
        _migrate(latest)
    sub = Submission.objects.get(pk=pk)
    assert sub.body_length == len(text)
    assert (
        sub.body_sha256
        == hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()
    )
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(
            cursor, "sitreps_submission")]  # fmt: skip
    assert "raw_body" not in columns and "body_length" in columns
