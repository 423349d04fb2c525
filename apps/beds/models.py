"""The estate (system → organisation → site → ward → bed) and its bed state over time."""

from django.db import models
from django.db.models import F, Q

from .choices import BedStatus, BedType, OrganisationKind, WardStateSource


class System(models.Model):
    """The local health system (ICS) the board watches. There is one per installation."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    population = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    contact_email = models.EmailField(
        blank=True, help_text="Where overdue actions owned by the organisation are mailed."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Site(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Ward(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="wards")
    bed_type = models.CharField(max_length=20, choices=BedType.choices)
    core_beds = models.PositiveIntegerField()
    escalation_beds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Bed(models.Model):
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="beds")
    code = models.CharField(max_length=48)
    escalation = models.BooleanField(default=False)

    class Meta:
        ordering = ["ward_id", "escalation", "code"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "code"], name="bed_code_unique_in_ward"),
        ]
        indexes = [models.Index(fields=["code"], name="bed_code_idx")]

    def __str__(self) -> str:
        return self.code


# --------------------------------------------------------------------------- bed state


class WardState(models.Model):
    """What a bed sitrep said about one ward at ``as_at``: the ward's history.

    One row per (ward, as_at): a correction at the same ``as_at`` replaces the row (and points
    it at the correcting submission); older deliveries are kept here even when not current.
    """

    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="states")
    as_at = models.DateTimeField()
    submission = models.ForeignKey(
        "sitreps.Submission", on_delete=models.PROTECT, related_name="ward_states"
    )
    source = models.CharField(max_length=8, choices=WardStateSource.choices)
    occupied = models.PositiveIntegerField()
    vacant = models.PositiveIntegerField()
    closed = models.PositiveIntegerField()
    escalation_open = models.PositiveIntegerField()

    class Meta:
        ordering = ["ward_id", "-as_at"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "as_at"], name="ward_state_one_per_as_at"),
            models.CheckConstraint(
                condition=Q(escalation_open__lte=F("occupied") + F("vacant")),
                name="ward_state_escalation_within_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} @ {self.as_at:%Y-%m-%d %H:%M}"


class WardCurrent(models.Model):
    """Which ``WardState`` is the ward's current one (the newest ``as_at`` received).

    Written by the ingest's apply with a conditional upsert, so out-of-order deliveries never
    move it back and two concurrent sitreps for a ward cannot both win.
    """

    ward = models.OneToOneField(
        Ward, on_delete=models.CASCADE, primary_key=True, related_name="current"
    )
    state = models.OneToOneField(WardState, on_delete=models.PROTECT, related_name="+")
    as_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ward_id} @ {self.as_at:%Y-%m-%d %H:%M}"


class BedCurrent(models.Model):
    """A bed's status by the ward's current bed list, and since when.

    Absent when the ward has never sent a bed list, or when counts replaced its last one:
    the bed's status is then unknown.
    """

    bed = models.OneToOneField(
        Bed, on_delete=models.CASCADE, primary_key=True, related_name="current"
    )
    status = models.CharField(max_length=8, choices=BedStatus.choices)
    # Who said so is on the bed's latest BedStatusChange; not repeated here, so that a
    # 1,000-bed list does not check a thousand more foreign keys at commit.
    since = models.DateTimeField(help_text="as_at of the sitrep that put the bed in this status.")

    def __str__(self) -> str:
        return f"{self.bed_id} {self.status}"


class BedStatusChange(models.Model):
    """A bed changed status (who: the submission; what: from → to; when: the sitrep as_at)."""

    bed = models.ForeignKey(Bed, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=8, choices=BedStatus.choices, null=True, blank=True)
    to_status = models.CharField(max_length=8, choices=BedStatus.choices)
    at = models.DateTimeField()
    submission = models.ForeignKey(
        "sitreps.Submission", on_delete=models.PROTECT, related_name="bed_status_changes"
    )

    class Meta:
        ordering = ["bed_id", "-at", "-id"]
        indexes = [models.Index(fields=["bed", "at"], name="bed_status_change_bed_at")]

    def __str__(self) -> str:
        return f"{self.bed_id} {self.from_status} → {self.to_status} @ {self.at}"


class OccupancySnapshot(models.Model):
    """Figures of a site (or the whole system, ``site`` null) for one bed type as at a time.

    Written by the bed sitrep recompute at each sitrep's ``as_at``, from the history as it
    stood then (each ward's latest state at or before ``taken_at``): rerunning changes nothing.
    """

    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    bed_type = models.CharField(max_length=20, choices=BedType.choices)
    taken_at = models.DateTimeField()
    occupied = models.PositiveIntegerField()
    vacant = models.PositiveIntegerField()
    closed = models.PositiveIntegerField()
    escalation_open = models.PositiveIntegerField()
    wards_reporting = models.PositiveIntegerField(help_text="Wards with a state at taken_at.")
    wards_total = models.PositiveIntegerField()

    class Meta:
        ordering = ["site_id", "bed_type", "taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "bed_type", "taken_at"],
                nulls_distinct=False,
                name="occupancy_snapshot_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id or 'system'} {self.bed_type} @ {self.taken_at}"
