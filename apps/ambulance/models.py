"""Ambulance arrivals at hospital sites, and each site's daily handover figures."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone

from apps.beds.models import Organisation, Site
from apps.sitreps.models import Submission

from .rules import MAX_HANDOVER


class HandoverQuerySet(models.QuerySet):
    def waiting(self, *, now):
        """Crews waiting now: no handover, not cleared, arrived within the last 24 h.

        Matches the partial index ``handover_waiting_idx``. An older open record cannot be a
        real wait (no handover may be recorded that late), so it stops counting.
        """
        return self.filter(
            handover_at__isnull=True, cleared_at__isnull=True, arrived_at__gt=now - MAX_HANDOVER
        )


class Handover(models.Model):
    """One ambulance arrival at a hospital, as its ambulance service last reported it."""

    # Both foreign keys are served by the composite unique constraint and index below.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="handovers", db_index=False
    )
    incident = models.CharField(max_length=64)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="handovers", db_index=False
    )
    arrived_at = models.DateTimeField()
    handover_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    category = models.PositiveSmallIntegerField(null=True, blank=True)
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="handovers",
        help_text="The accepted submission that last stated this incident.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = HandoverQuerySet.as_manager()

    class Meta:
        ordering = ["arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "incident"], name="handover_incident_unique"
            ),
            models.CheckConstraint(
                condition=Q(handover_at__isnull=True)
                | Q(
                    handover_at__gte=F("arrived_at"),
                    handover_at__lte=F("arrived_at") + Value(timedelta(hours=24)),
                ),
                name="handover_within_24h_of_arrival",
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True)
                | Q(cleared_at__gte=F("arrived_at"), handover_at__isnull=True)
                | Q(cleared_at__gte=F("handover_at")),
                name="handover_cleared_after_handover",
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(category__gte=1, category__lte=5),
                name="handover_category_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "arrived_at"], name="handover_site_arrived_idx"),
            models.Index(fields=["arrived_at"], name="handover_arrived_idx"),
            models.Index(
                fields=["arrived_at"],
                condition=Q(handover_at__isnull=True, cleared_at__isnull=True),
                name="handover_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident} at {self.site_id}"


class HandoverDaily(models.Model):
    """A site's handover figures for one local day: the lost-hours history for trends.

    Written by the recompute after each submission and, while crews wait, every minute.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="handover_days", db_index=False
    )
    date = models.DateField()
    arrivals = models.PositiveIntegerField()
    handed_over = models.PositiveIntegerField()
    mean_handover_min = models.FloatField(null=True, blank=True)
    over_15 = models.PositiveIntegerField()
    over_30 = models.PositiveIntegerField()
    over_60 = models.PositiveIntegerField()
    lost_hours = models.DecimalField(max_digits=9, decimal_places=2)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="handover_daily_unique"),
        ]
        indexes = [models.Index(fields=["date"], name="handover_daily_date_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date}"
