"""The estate: system → organisation → site → ward → bed."""

from django.db import models

from .choices import BedType, OrganisationKind


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
