"""MOFD lists, stored whole: "the list in force at the end of day D" is one simple query."""

from django.db import models
from django.db.models import Q

from apps.beds.models import Organisation, Site, Ward

from .choices import DelayReason, Pathway


class MofdList(models.Model):
    """An organisation's complete MOFD list at ``as_at``. A correction (same ``as_at``)
    replaces the patients and points at the correcting submission; older lists stay as
    history and never displace a newer one."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="mofd_lists"
    )
    as_at = models.DateTimeField()
    submission = models.OneToOneField(
        "sitreps.Submission", on_delete=models.PROTECT, related_name="mofd_list"
    )

    class Meta:
        ordering = ["organisation_id", "-as_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "as_at"], name="mofd_list_unique_per_time"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "-as_at"], name="mofd_list_latest_idx")]

    def __str__(self) -> str:
        return f"{self.organisation_id} MOFD list at {self.as_at:%Y-%m-%d %H:%M}"


class MofdPatient(models.Model):
    mofd_list = models.ForeignKey(MofdList, on_delete=models.CASCADE, related_name="patients")
    ref = models.CharField(max_length=64, help_text="The provider's own patient reference.")
    nhs_number = models.CharField(max_length=10, blank=True)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.PROTECT)
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.PROTECT)
    mofd_on = models.DateField()
    pathway = models.CharField(max_length=2, choices=Pathway.choices)
    planned_discharge_on = models.DateField(null=True, blank=True)
    delay_reason = models.CharField(max_length=32, choices=DelayReason.choices, blank=True)

    class Meta:
        ordering = ["mofd_on", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["mofd_list", "ref"], name="mofd_patient_ref_unique"),
            models.CheckConstraint(
                condition=Q(pathway__in=Pathway.values), name="mofd_patient_pathway_valid"
            ),
            models.CheckConstraint(
                condition=Q(delay_reason__in=[*DelayReason.values, ""]),
                name="mofd_patient_delay_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number="") | Q(nhs_number__regex=r"^[0-9]{10}$"),
                name="mofd_patient_nhs_number_digits",
            ),
        ]
        indexes = [models.Index(fields=["site", "mofd_list"], name="mofd_patient_site_idx")]

    def __str__(self) -> str:
        return f"{self.ref} ({self.pathway}, MOFD {self.mofd_on})"


class Discharge(models.Model):
    """An explicit discharge reported with a list (``discharged`` in the POST body)."""

    mofd_list = models.ForeignKey(MofdList, on_delete=models.CASCADE, related_name="discharges")
    ref = models.CharField(max_length=64)
    discharged_at = models.DateTimeField()

    class Meta:
        ordering = ["-discharged_at"]
        constraints = [
            models.UniqueConstraint(fields=["mofd_list", "ref"], name="discharge_ref_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} discharged {self.discharged_at:%Y-%m-%d %H:%M}"


class S1Frozen(models.Model):
    """The S1 of one local day as it stood when that day ended (never recomputed)."""

    date = models.DateField(unique=True)
    figures = models.JSONField(help_text="The GET /api/v1/s1/ body: rows and total.")
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ["-date"]
        verbose_name = "frozen S1"

    def __str__(self) -> str:
        return f"S1 {self.date}"
