from django.db import models


class Disposition(models.TextChoices):
    """How a patient left the department (DOMAIN.md "Emergency department"); every one but
    ``admitted`` is non-admitted."""

    ADMITTED = "admitted", "Admitted"
    DISCHARGED = "discharged", "Discharged"
    TRANSFERRED = "transferred", "Transferred"
    LEFT = "left", "Left before treatment was complete"


class DepartmentType(models.IntegerChoices):
    """National emergency department types."""

    MAJOR = 1, "Type 1: consultant-led 24-hour major ED"
    SINGLE_SPECIALTY = 2, "Type 2: consultant-led single-specialty"
    OTHER = 3, "Type 3: other A&E, minor injury unit or urgent treatment centre"
