from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.beds.models import Organisation
from apps.sitreps.choices import SitrepKind

from .choices import FeedFormat
from .rules import feed_is_stale, header_check, url_check

MIN_EVERY_S = 30


def validate_feed_url(url: str) -> None:
    try:
        url_check(url)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class Feed(models.Model):
    """A provider document the board pulls on a schedule and ingests like a POSTed sitrep.

    ``last_error``/``last_error_at`` describe the current problem and are cleared by the next
    success; the figures of a failing feed stay as its last good document left them.
    ``next_pull_at`` is both the schedule and the claim: a puller moves it forward with a
    conditional UPDATE before pulling, so a feed is never pulled twice at once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="feeds")
    kind = models.CharField(max_length=16, choices=SitrepKind.choices)
    url = models.CharField("URL", max_length=1000, validators=[validate_feed_url])
    format = models.CharField(max_length=4, choices=FeedFormat.choices)
    every_s = models.PositiveIntegerField(
        "every (seconds)", default=300, validators=[MinValueValidator(MIN_EVERY_S)]
    )
    headers = models.JSONField(
        default=dict, blank=True, help_text='Extra request headers, e.g. {"Authorization": "..."}.'
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_submission = models.ForeignKey(
        "sitreps.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_pull_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation__code", "kind", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(every_s__gte=MIN_EVERY_S), name="feed_every_s_min"),
            models.CheckConstraint(condition=Q(kind__in=SitrepKind.values), name="feed_kind_valid"),
            models.CheckConstraint(
                condition=Q(format__in=FeedFormat.values), name="feed_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(url__istartswith="http://") | Q(url__istartswith="https://"),
                name="feed_url_http",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind", "url"], name="feed_unique_per_source"
            ),
        ]
        indexes = [
            models.Index(fields=["next_pull_at"], condition=Q(enabled=True), name="feed_due_idx")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation.code} {self.kind} ({self.format})"

    def clean(self) -> None:
        if not isinstance(self.headers, dict):
            raise ValidationError({"headers": 'Give an object of headers: {"Name": "value"}.'})
        for name, value in self.headers.items():
            try:
                header_check(name, value)
            except ValueError as exc:
                raise ValidationError({"headers": str(exc)}) from None

    def is_stale(self, *, now) -> bool:
        return feed_is_stale(
            every_s=self.every_s,
            last_success_at=self.last_success_at,
            created_at=self.created_at,
            now=now,
            enabled=self.enabled,
        )
