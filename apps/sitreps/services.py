"""The one ingest path: shape → resolve → archive + apply (one transaction) → recompute on commit.

The steps are each kind's ``SitrepHandler`` (``registry``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from apps.beds.models import Organisation
from apps.core.exceptions import ApplicationError

from .choices import Outcome, Source
from .models import Submission
from .registry import handler_for
from .tasks import recompute_request
from .unknown import redacted, unknown_field_errors, unknown_field_paths

logger = logging.getLogger(__name__)

IDEMPOTENCY_CONSTRAINT = "submission_idempotency_key_unique"
# A concurrent writer can make our transaction fail on a constraint it had not yet committed
# when we looked; the retry then sees its row and takes the ordinary path.
APPLY_ATTEMPTS = 3
# The longest ``Idempotency-Key`` taken (``Submission.idempotency_key``); a longer one is 400.
IDEMPOTENCY_KEY_MAX = 200


@dataclass(frozen=True)
class IngestResult:
    status: int
    body: dict[str, Any]
    submission_id: int | None = None
    replayed: bool = False


NUL_ERROR = "Body contains a NUL character (U+0000), which is not accepted."


def _has_nul(value: Any) -> bool:
    """PostgreSQL can store a NUL in neither text nor jsonb: such a body is refused."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _canonical(body: bytes | str | dict | list) -> tuple[Any, str, str | None]:
    """Return (parsed JSON or None, the canonical body's text, why it cannot be read or None).

    The canonical text of a body that does not parse is the body as text; it serves only for
    the keyed digest (``_digest``) and is not archived. The parse error names where it failed
    (``json``: "Expecting ',' delimiter: line 1 column 73 (char 72)"), not what was there.
    """
    if isinstance(body, dict | list):
        parsed = body
    else:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            return None, text, f"Body is not valid JSON: {exc}"
    canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if _has_nul(parsed):
        return None, canonical, NUL_ERROR
    return parsed, canonical, None


def _length(body: bytes | str | dict | list, canonical: str) -> int:
    """The body's size in bytes: as received, or (a body handed in parsed) its canonical text."""
    if isinstance(body, bytes):
        return len(body)
    text = body if isinstance(body, str) else canonical
    return len(text.encode("utf-8", errors="replace"))


def _digest(canonical: str, *, keyed: bool) -> str:
    """The body's digest (64 hex characters), by which an ``Idempotency-Key`` replay is told
    from a reuse (409).

    ``keyed`` for a body whose content is not archived (unknown fields, or a body that cannot
    be read): a plain SHA-256 of a body otherwise held in the archive, or of a short one, would
    let anyone reading it try every NHS number against the digest. Keyed with the secret key
    instead (HMAC-SHA-256: same body, same digest).
    """
    if keyed:
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(existing: Submission, body_sha256: str) -> IngestResult:
    if existing.body_sha256 != body_sha256:
        return IngestResult(
            409,
            {
                "detail": "This Idempotency-Key was used with a different body.",
                "submission": existing.pk,
            },
        )
    return IngestResult(existing.status_code, existing.response or {}, existing.pk, replayed=True)


def _archive_rejection(
    *, common: dict[str, Any], status: int, errors: Any, idempotency_key: str | None
) -> IngestResult:
    """Archive a refused submission (400/403/409) and answer with ``errors``.

    The key is recorded for the audit but not held: only an accepted submission holds its
    ``Idempotency-Key`` (``Submission`` constraint), so the corrected body may reuse it.
    """
    body = errors if isinstance(errors, dict) else {"detail": errors}
    sub = Submission.objects.create(
        **common,
        idempotency_key=idempotency_key,
        outcome=Outcome.REJECTED,
        status_code=status,
        errors=body,
        response=body,
    )
    return IngestResult(status, body, sub.pk)


def sitrep_ingest(
    *,
    kind: str,
    body: bytes | str | dict | list,
    organisation: Organisation,
    api_key=None,
    user=None,
    idempotency_key: str | None = None,
    source: str = Source.API,
    now: datetime | None = None,
) -> IngestResult:
    """Shape, resolve, archive and apply one sitrep (its kind's ``SitrepHandler`` steps).

    Never raises for bad input: the result says (400/403 archived as rejected, like 201).
    ``idempotency_key``: held by an accepted (201) submission only: the same key and body
    replay its answer, another body is 409. A refused submission (400, 403) holds no result,
    so the same key is free for the corrected body (archived with the key, for the audit).
    At most ``IDEMPOTENCY_KEY_MAX`` printable ASCII characters (surrounding spaces dropped);
    a longer one, or one with other characters, is 400 naming the header, archived under no
    key.
    A field the kind's input serializer does not declare is refused (400 naming it), and
    whatever the outcome its value is not archived (``unknown``: the why and the marker).
    """
    handler = handler_for(kind)
    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip() or None
    key_error = None
    if idempotency_key and len(idempotency_key) > IDEMPOTENCY_KEY_MAX:
        # Never cut: two keys alike in their first 200 characters would be taken for one.
        key_error = (
            f"Idempotency-Key: at most {IDEMPOTENCY_KEY_MAX} characters; "
            f"this one has {len(idempotency_key)}."
        )
        idempotency_key = None
    elif idempotency_key and not (idempotency_key.isascii() and idempotency_key.isprintable()):
        # HTTP carries header values as bytes read as Latin-1: a non-ASCII key arrives garbled,
        # and the sender's own retry could not be matched to it with certainty.
        key_error = "Idempotency-Key: printable ASCII characters only (a UUID is usual)."
        idempotency_key = None
    parsed, canonical, json_error = _canonical(body)
    serializer = handler.input_serializer(data=parsed, context={"now": now})
    unknown = [] if json_error else list(unknown_field_paths(serializer, parsed))
    body_sha256 = _digest(canonical, keyed=bool(unknown) or json_error is not None)
    common = {
        "kind": kind,
        "organisation": organisation,
        "api_key": api_key,
        "user": user,
        "source": source,
        "received_at": now,
        "body_sha256": body_sha256,
        "body_length": _length(body, canonical),
        # The body as received, less the values of unknown fields. A body that cannot be read
        # (not JSON, a NUL) is not kept at all: it may hold anything (a name, an NHS number)
        # and no value of it can be told from another; its size, digest and error are kept.
        "payload": redacted(parsed, unknown),
    }

    if key_error:
        return _archive_rejection(
            common=common, status=400, errors={"detail": key_error}, idempotency_key=None
        )
    if idempotency_key:
        existing = Submission.objects.filter(
            organisation=organisation, idempotency_key=idempotency_key, outcome=Outcome.ACCEPTED
        ).first()
        if existing is not None:
            result = _replay(existing, body_sha256)
            if result.status == 409:
                _archive_rejection(
                    common=common, status=409, errors=result.body, idempotency_key=idempotency_key
                )
            return result

    if json_error:
        return _archive_rejection(
            common=common,
            status=400,
            errors={"detail": json_error},
            idempotency_key=idempotency_key,
        )
    if not handler.allowed(organisation):
        return _archive_rejection(
            common=common,
            status=403,
            idempotency_key=idempotency_key,
            errors={"detail": f"{organisation.code} may not send {kind} sitreps."},
        )

    if not serializer.is_valid() or unknown:
        errors = unknown_field_errors(serializer.errors, unknown)
        return _archive_rejection(
            common=common, status=400, errors=errors, idempotency_key=idempotency_key
        )
    try:
        resolved = handler.resolve(
            organisation=organisation, data=serializer.validated_data, now=now
        )
    except ApplicationError as exc:
        return _archive_rejection(
            common=common, status=exc.status, errors=exc.detail, idempotency_key=idempotency_key
        )

    for attempt in range(1, APPLY_ATTEMPTS + 1):
        try:
            return _apply(handler, common, resolved, idempotency_key)
        except ApplicationError as exc:
            # Refused by a rule checked under lock in ``apply``: nothing of it was kept.
            return _archive_rejection(
                common=common, status=exc.status, errors=exc.detail, idempotency_key=idempotency_key
            )
        except IntegrityError as exc:
            constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
            if constraint == IDEMPOTENCY_CONSTRAINT:
                existing = Submission.objects.get(
                    organisation=organisation,
                    idempotency_key=idempotency_key,
                    outcome=Outcome.ACCEPTED,
                )
                return _replay(existing, body_sha256)
            if attempt == APPLY_ATTEMPTS:
                raise
        except OperationalError as exc:
            # Serialization failure / deadlock against a concurrent sitrep: try again.
            if attempt == APPLY_ATTEMPTS or getattr(exc.__cause__, "sqlstate", "") not in (
                "40001",
                "40P01",
            ):
                raise
        logger.info("sitrep %s for %s retried after a concurrent write", kind, organisation.code)
    raise AssertionError("unreachable")


def _apply(handler, common, resolved, idempotency_key) -> IngestResult:
    with transaction.atomic():
        sub = Submission.objects.create(
            **common, idempotency_key=idempotency_key, outcome=Outcome.ACCEPTED, status_code=201
        )
        applied = handler.apply(submission=sub, resolved=resolved)
        body = {"submission": sub.pk, **applied.response}
        Submission.objects.filter(pk=sub.pk).update(response=body)
        transaction.on_commit(recompute_request)
    return IngestResult(201, body, sub.pk)
