from django.db import models
from django.db.models import Q

from apps.beds.models import Organisation


class VirtualWard(models.Model):
    """Hospital-level care at home, with a capacity in "beds"."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="virtual_wards"
    )
    capacity = models.PositiveIntegerField(help_text="Funded capacity in beds (estate file).")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class VirtualWardCensus(models.Model):
    """What a ward's census said at ``as_at``: the history, one row per (ward, as_at).

    A second census at the same ``as_at`` is a correction and replaces the row's figures
    (the earlier submission stays in the sitrep archive). ``occupied`` may exceed ``capacity``:
    wards do run over capacity and the board must show it.
    """

    ward = models.ForeignKey(VirtualWard, on_delete=models.PROTECT, related_name="censuses")
    as_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField()
    submission = models.ForeignKey(
        "sitreps.Submission", on_delete=models.PROTECT, related_name="virtual_ward_censuses"
    )

    class Meta:
        ordering = ["ward_id", "-as_at"]
        constraints = [
            models.UniqueConstraint(fields=["ward", "as_at"], name="vw_census_ward_as_at_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ward_id} @ {self.as_at:%Y-%m-%d %H:%M}: {self.occupied}/{self.capacity}"


class VirtualWardCurrent(models.Model):
    """Each ward's census in force: the newest ``as_at`` held. Written by the ingest's apply."""

    ward = models.OneToOneField(
        VirtualWard, on_delete=models.CASCADE, primary_key=True, related_name="current"
    )
    census = models.OneToOneField(VirtualWardCensus, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.ward_id} → census {self.census_id}"


class VirtualWardSnapshot(models.Model):
    """Utilisation history for trends: a ward's census, or the system's sums (``ward`` null),
    at each census time. Written by the recompute; upserted so replays change nothing."""

    ward = models.ForeignKey(
        VirtualWard, null=True, blank=True, on_delete=models.CASCADE, related_name="snapshots"
    )
    taken_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    occupied = models.PositiveIntegerField()

    class Meta:
        ordering = ["-taken_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "taken_at"],
                condition=Q(ward__isnull=False),
                name="vw_snapshot_ward_taken_at_unique",
            ),
            models.UniqueConstraint(
                fields=["taken_at"],
                condition=Q(ward__isnull=True),
                name="vw_snapshot_system_taken_at_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.ward_id or "system"
        return f"{scope} @ {self.taken_at:%Y-%m-%d %H:%M}: {self.occupied}/{self.capacity}"
