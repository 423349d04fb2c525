"""Ambulance arrivals at hospital sites and each site's daily handover figures; 999 incidents
(ARP response) and REAP declarations of ambulance services."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone

from apps.beds.models import Organisation, Site
from apps.sitreps.models import Submission

from .response_rules import CONNECTED_OFFSET, MAX_OPEN
from .rules import MAX_HANDOVER

MAX_OFFSET = max(CONNECTED_OFFSET.values())


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


# --------------------------------------------------------------------------- response


class IncidentQuerySet(models.QuerySet):
    def waiting(self, *, now):
        """Clock started, no clock stop, not stood down, not stale (``MAX_OPEN``).

        Matches the partial index ``incident_waiting_idx``.
        """
        return self.filter(
            at_scene_at__isnull=True,
            stood_down_at__isnull=True,
            clock_start_at__lte=now,
            clock_start_at__gt=now - MAX_OPEN,
        )


class Incident(models.Model):
    """A 999 incident answered with a vehicle, as its ambulance service has reported it so far
    (DOMAIN.md "Ambulance response"). Times are truncated to the second.

    ``clock_start_at`` and ``response_s`` are derived on every write by the ARP rules
    (``response_rules``), so a category change re-judges the incident; they are stored for
    the daily aggregates and the waiting index.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="incidents", db_index=False
    )
    incident = models.CharField(max_length=64)
    category = models.PositiveSmallIntegerField()
    call_connected_at = models.DateTimeField()
    identified_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    at_scene_at = models.DateTimeField(
        null=True, blank=True, help_text="Clock stop: the arrival that stops the ARP clock."
    )
    stood_down_at = models.DateTimeField(null=True, blank=True)
    clock_start_at = models.DateTimeField(help_text="ARP clock start (derived).")
    response_s = models.PositiveIntegerField(
        null=True, blank=True, help_text="Clock start to clock stop, whole seconds (derived)."
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="incidents",
        help_text="The accepted submission that last stated this incident.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        ordering = ["clock_start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "incident"], name="incident_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(category__gte=1, category__lte=4), name="incident_category_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(identified_at__isnull=True)
                | Q(identified_at__gte=F("call_connected_at")),
                name="incident_identified_after_connected",
            ),
            models.CheckConstraint(
                condition=Q(dispatched_at__isnull=True)
                | Q(dispatched_at__gte=F("call_connected_at")),
                name="incident_dispatched_after_connected",
            ),
            models.CheckConstraint(
                condition=Q(at_scene_at__isnull=True) | Q(stood_down_at__isnull=True),
                name="incident_not_at_scene_and_stood_down",
            ),
            models.CheckConstraint(
                condition=Q(clock_start_at__lte=F("call_connected_at") + Value(MAX_OFFSET))
                & Q(clock_start_at__gte=F("call_connected_at")),
                name="incident_clock_start_within_offset",
            ),
            models.CheckConstraint(
                condition=Q(at_scene_at__isnull=True, response_s__isnull=True)
                | Q(at_scene_at__gte=F("clock_start_at"), response_s__isnull=False),
                name="incident_response_with_clock_stop",
            ),
        ]
        indexes = [
            models.Index(fields=["clock_start_at"], name="incident_clock_start_idx"),
            models.Index(
                fields=["clock_start_at"],
                condition=Q(at_scene_at__isnull=True, stood_down_at__isnull=True),
                name="incident_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident} (C{self.category})"


class ReapDeclaration(models.Model):
    """An ambulance service's declared REAP level (Resource Escalation Action Plan, 1-4) from
    ``declared_at``. The same (organisation, ``declared_at``) again is a correction."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reap_declarations", db_index=False
    )
    level = models.PositiveSmallIntegerField()
    declared_at = models.DateTimeField()
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="reap_declarations",
        help_text="The accepted submission that last stated this declaration.",
    )

    class Meta:
        ordering = ["organisation", "-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "declared_at"], name="reap_declaration_unique"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=4), name="reap_level_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} REAP {self.level} from {self.declared_at:%Y-%m-%d %H:%M}"
