from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.beds.models import Organisation

from .choices import Outcome, SitrepKind, Source


class SubmissionQuerySet(models.QuerySet):
    def pending_recompute(self):
        return self.filter(outcome=Outcome.ACCEPTED, recomputed_at__isnull=True)


class Submission(models.Model):
    """Every sitrep received, accepted or not. Figures can be rebuilt by replaying these.

    No content the contract does not define is kept: an unknown field's value is redacted in
    ``payload``, and of a body that cannot be read (not JSON, or holding a NUL) only its
    ``body_length``, keyed ``body_sha256`` and parse error (``errors``) are kept, never its text.

    Accepted rows with ``recomputed_at`` unset are the recompute outbox: a sweep finds any whose
    on-commit message was lost (Redis down, worker killed) and recomputes them.
    """

    kind = models.CharField(max_length=16, choices=SitrepKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions"
    )
    api_key = models.ForeignKey("accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    body_sha256 = models.CharField(
        max_length=64,
        help_text="SHA-256 of the canonical JSON body; keyed with the secret key (HMAC) where "
        "the body had unknown fields or could not be read, whose content is not kept.",
    )
    body_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="Size of the body as received, in bytes (UTF-8)."
    )
    payload = models.JSONField(
        null=True,
        blank=True,
        help_text="The body as received, less the values of unknown fields; empty when the "
        "body could not be read (not JSON, or a NUL): only its size, digest and the parse "
        "error (in errors) are kept.",
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    errors = models.JSONField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(null=True, blank=True)
    recomputed_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            # Only an accepted submission holds its key: a refused one (400/403/409) is
            # archived with the key it came with, and the corrected body may use it again.
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False, outcome="accepted"),
                name="submission_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(outcome="accepted", recomputed_at__isnull=True),
                name="submission_outbox_idx",
            ),
            models.Index(
                fields=["kind", "organisation", "received_at"], name="submission_kind_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.outcome}"
