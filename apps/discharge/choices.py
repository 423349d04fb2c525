from django.db import models


class Pathway(models.TextChoices):
    P0 = "P0", "P0 · no new care needs"
    P1 = "P1", "P1 · new care at home"
    P2 = "P2", "P2 · short-term bed-based care"
    P3 = "P3", "P3 · 24-hour nursing or residential care"


class DelayReason(models.TextChoices):
    """Why an MOFD patient has not left: the national NCTR delay reasons."""

    AWAITING_DECISION = "awaiting_decision", "Awaiting medical or therapy decision"
    AWAITING_REFERRAL = "awaiting_referral", "Awaiting referral"
    AWAITING_TTO = "awaiting_tto", "Awaiting medicines to take out (TTO)"
    AWAITING_TRANSPORT = "awaiting_transport", "Awaiting transport"
    AWAITING_HOMECARE = "awaiting_homecare", "P1 capacity: awaiting home care"
    AWAITING_REHAB_BED = "awaiting_rehab_bed", "P2 capacity: awaiting rehab/reablement bed"
    AWAITING_CARE_HOME = "awaiting_care_home", "P3 capacity: awaiting care home"
    AWAITING_EQUIPMENT = "awaiting_equipment", "Awaiting equipment or adaptations"
    PATIENT_FAMILY_CHOICE = "patient_family_choice", "Patient or family choice"
    HOUSING = "housing", "Housing or homelessness"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    REPATRIATION = "repatriation", "Repatriation to another trust"
    AWAITING_DIAGNOSTICS = "awaiting_diagnostics", "Awaiting diagnostics"
    INFECTION_CONTROL = "infection_control", "Infection control"
    OTHER = "other", "Other"


class PlanStatus(models.TextChoices):
    """Where a patient's discharge plan stands on a day (the S1 plan columns)."""

    PLANNED_TODAY = "planned_today", "Planned discharge today"
    FUTURE_PLAN = "future_plan", "Future plan"
    AWAITING_OUTCOME = "awaiting_outcome", "Awaiting outcome"


class MofdSort(models.TextChoices):
    """Orders of the MOFD list page (``?sort=``); each breaks ties by days MOFD, longest first."""

    DAYS = "days", "Days MOFD, longest first"
    DAYS_SHORTEST = "days_shortest", "Days MOFD, shortest first"
    PATHWAY = "pathway", "Pathway (P0 to P3)"
    PLAN = "plan", "Plan (planned today, future plan, awaiting outcome)"


class S1State(models.TextChoices):
    """Whether a day's S1 can still change (DOMAIN.md "MOFD and the S1")."""

    LIVE = "live", "Live: today, the figures can still change"
    FROZEN = "frozen", "Frozen"
    NOT_FROZEN = (
        "not_frozen",
        "Not yet frozen: the day is over and is frozen at the next catch-up after a list covers it",
    )
