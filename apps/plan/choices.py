from django.db import models


class PlanMetric(models.TextChoices):
    """The operating plan's metrics (API.md "Operating plan")."""

    GA_AVAILABLE_BEDS = "ga_available_beds", "Adult G&A beds available (mean at midday)"
    ED_FOUR_HOUR_PCT = "ed_four_hour_pct", "ED 4-hour performance (%)"
    CAT2_MEAN_MIN = "cat2_mean_min", "Category 2 mean response (minutes)"
    HANDOVER_LOST_HOURS = "handover_lost_hours", "Ambulance handover hours lost"
    MOFD_P1_P3 = "mofd_p1_p3", "MOFD patients on pathways 1–3 (mean of the daily S1)"
    VW_CAPACITY = "vw_capacity", "Virtual-ward capacity (beds)"


class Direction(models.TextChoices):
    """Which way an actual meets its plan (equal to plan always meets)."""

    HIGHER = "higher", "Higher meets"
    LOWER = "lower", "Lower meets"


class PlanStatus(models.TextChoices):
    MET = "met", "Met"
    MISSED = "missed", "Missed"
    NO_DATA = "no_data", "No data"
