from django.db import models


class CallKind(models.TextChoices):
    """DOMAIN.md "System calls and actions": routine (usually three a day) or escalation."""

    ROUTINE = "routine", "Routine"
    ESCALATION = "escalation", "Escalation"


class ActionStatus(models.TextChoices):
    """The stored status of an action. Overdue is not a status: it is open and past due."""

    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionFilter(models.TextChoices):
    """``GET /api/v1/actions/?status=`` (API.md): the statuses plus ``overdue`` (open, past due)."""

    OPEN = "open", "Open (overdue included)"
    OVERDUE = "overdue", "Open and past due"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionTransitionKind(models.TextChoices):
    CREATED = "created", "Created"
    OVERDUE = "overdue", "Became overdue"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ActionScopeKind(models.TextChoices):
    SITE = "site", "Site"
    ORGANISATION = "organisation", "Organisation"
    SYSTEM = "system", "System"


# An action's scope for the system as a whole (the same word as an alert's).
SYSTEM_SCOPE = "system"


class EffectMoment(models.TextChoices):
    """When an action's effect figures are taken (DOMAIN.md "an action's effect")."""

    AT_CREATED = "at_created", "When created"
    AT_DONE = "at_done", "When done"
    AFTER_4H = "after_4h", "4 h after creation"
    AFTER_24H = "after_24h", "24 h after creation"
