"""Emergency department attendances (no personal details), the sites that report them, and
each site's daily figures (the history behind trends)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone

from apps.beds.models import Organisation, Site
from apps.sitreps.models import Submission

from .choices import DepartmentType, Disposition
from .rules import MAX_STAY


class AttendanceQuerySet(models.QuerySet):
    def in_department(self, *, now):
        """Patients in the department now: not departed, arrived within ``MAX_STAY``.

        Matches the partial index ``attendance_in_dept_idx``; an older open record is stale.
        """
        return self.filter(
            departed_at__isnull=True, arrived_at__lte=now, arrived_at__gt=now - MAX_STAY
        )


class Attendance(models.Model):
    """One patient's visit to an emergency department, as its provider last reported it.

    Carries only the provider's own ``attendance`` reference: no personal details.
    """

    # Both foreign keys are served by the composite unique constraint and indexes below.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="attendances", db_index=False
    )
    attendance = models.CharField(max_length=64)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="attendances", db_index=False
    )
    department_type = models.PositiveSmallIntegerField(choices=DepartmentType.choices)
    arrived_at = models.DateTimeField()
    decision_to_admit_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, null=True, blank=True
    )
    submission = models.ForeignKey(
        Submission,
        on_delete=models.PROTECT,
        related_name="attendances",
        help_text="The accepted submission that last stated this attendance.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["arrived_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "attendance"], name="attendance_unique"
            ),
            models.CheckConstraint(
                condition=Q(department_type__gte=1, department_type__lte=3),
                name="attendance_department_type_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(disposition__isnull=True) | Q(disposition__in=Disposition.values),
                name="attendance_disposition_valid",
            ),
            models.CheckConstraint(
                condition=Q(decision_to_admit_at__isnull=True)
                | Q(decision_to_admit_at__gte=F("arrived_at")),
                name="attendance_dta_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True)
                | Q(
                    departed_at__gte=F("arrived_at"),
                    departed_at__lte=F("arrived_at") + Value(timedelta(days=7)),
                ),
                name="attendance_departed_within_7_days",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True)
                | Q(decision_to_admit_at__isnull=True)
                | Q(departed_at__gte=F("decision_to_admit_at")),
                name="attendance_departed_after_dta",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True, disposition__isnull=True)
                | Q(departed_at__isnull=False, disposition__isnull=False),
                name="attendance_departure_with_disposition",
            ),
        ]
        indexes = [
            models.Index(fields=["site", "arrived_at"], name="attendance_site_arrived_idx"),
            models.Index(fields=["arrived_at"], name="attendance_arrived_idx"),
            models.Index(fields=["departed_at"], name="attendance_departed_idx"),
            models.Index(
                fields=["arrived_at"],
                condition=Q(departed_at__isnull=True),
                name="attendance_in_dept_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendance} at {self.site_id}"


class EmergencyDepartment(models.Model):
    """A site that reports ED attendances (so lists of EDs need not scan the attendances).

    Written with the site's first attendance, in the same transaction.
    """

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="emergency_department")
    first_reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site__code"]

    def __str__(self) -> str:
        return f"ED at {self.site_id}"


class EmergencyDaily(models.Model):
    """A site's ED figures for one local day (DOMAIN.md "Emergency department"): the history
    behind the trends, and today's figures for the board.

    Written by the recompute after each submission; departures' figures do not move with the
    clock, so a day's row is exact once its submissions are recomputed.
    """

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="emergency_days", db_index=False
    )
    date = models.DateField()
    attendances = models.PositiveIntegerField()
    departed = models.PositiveIntegerField()
    met_4h = models.PositiveIntegerField()
    type1_departed = models.PositiveIntegerField()
    type1_met_4h = models.PositiveIntegerField()
    over_12h = models.PositiveIntegerField()
    dta_over_12h = models.PositiveIntegerField()
    admitted = models.PositiveIntegerField()
    admitted_seconds = models.BigIntegerField()
    non_admitted = models.PositiveIntegerField()
    non_admitted_seconds = models.BigIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["site", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="emergency_daily_unique"),
            models.CheckConstraint(
                condition=Q(met_4h__lte=F("departed"), type1_met_4h__lte=F("type1_departed")),
                name="emergency_daily_met_within_departed",
            ),
        ]
        indexes = [models.Index(fields=["date"], name="emergency_daily_date_idx")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date}"
