from django.db import models

# The scope of a forecast: a site's code, or this word for the whole system.
SYSTEM_SCOPE = "system"


class Series(models.TextChoices):
    """The daily series forecast per site and for the system (DOMAIN.md "Forecasts")."""

    ED_ATTENDANCES = "ed_attendances", "ED attendances"
    EMERGENCY_ADMISSIONS = "emergency_admissions", "Emergency admissions"
    GA_OCCUPIED_MIDDAY = "ga_occupied_midday", "Adult G&A beds occupied at midday"
