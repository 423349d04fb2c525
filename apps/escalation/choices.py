from django.db import models


class RuleCode(models.TextChoices):
    """The rules of DOMAIN.md "Escalation". Each code fixes its scope and comparison (rules.py);
    its thresholds are data (``EscalationRule``)."""

    SITE_OCCUPANCY = "site_occupancy", "Site adult G&A occupancy"
    AMBULANCE_WAIT = "ambulance_wait", "Longest ambulance waiting now"
    SITE_OPEL = "site_opel", "Site OPEL"
    MOFD_P1_P3 = "mofd_p1_p3", "Acute organisation MOFD on pathways 1-3"
    VW_UTILISATION = "vw_utilisation", "System virtual-ward utilisation"
    STALE_BED_SITREP = "stale_bed_sitrep", "Age of a site's latest bed sitrep"
    ED_FOUR_HOUR = "ed_four_hour", "Site ED 4-hour performance today"
    ED_TWELVE_HOUR = "ed_twelve_hour", "Patients in the site's ED over 12 h now"
    ACTION_OVERDUE = "action_overdue", "Owner organisation's open actions past due"
    CAT2_MEAN = "cat2_mean", "Ambulance service's C2 mean response today"


class ScopeKind(models.TextChoices):
    SITE = "site", "Site"
    ORGANISATION = "organisation", "Organisation"
    SYSTEM = "system", "System"


# An alert's scope for the system as a whole (DOMAIN.md).
SYSTEM_SCOPE = "system"


class Severity(models.TextChoices):
    AMBER = "amber", "Amber"
    RED = "red", "Red"


SEVERITY_RANK = {Severity.AMBER: 1, Severity.RED: 2}


class TransitionKind(models.TextChoices):
    RAISED = "raised", "Raised"
    ESCALATED = "escalated", "Escalated"
    DEESCALATED = "deescalated", "De-escalated"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


class AlertStatus(models.TextChoices):
    """Filters of ``GET /api/v1/alerts/?status=`` (API.md)."""

    OPEN = "open", "Open (acknowledged or not)"
    ACKNOWLEDGED = "acknowledged", "Open and acknowledged"
    CLOSED = "closed", "Closed"
