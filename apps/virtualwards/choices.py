from django.db import models


class UtilisationBand(models.TextChoices):
    """How a ward's (or the system's) utilisation stands against the ambition."""

    UNKNOWN = "unknown", "Not reported"
    BELOW_AMBITION = "below_ambition", "Below ambition"
    AT_AMBITION = "at_ambition", "At or above ambition"
    OVER_CAPACITY = "over_capacity", "Over capacity"


class Per100kBand(models.TextChoices):
    """Virtual-ward capacity per 100,000 population against the 40-50 ambition."""

    UNKNOWN = "unknown", "Unknown"
    BELOW_AMBITION = "below_ambition", "Below ambition"
    WITHIN_AMBITION = "within_ambition", "Within ambition"
    ABOVE_AMBITION = "above_ambition", "Above ambition"
