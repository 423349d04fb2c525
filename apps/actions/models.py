"""System calls (with each organisation's declaration) and actions (with every transition)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from apps.beds.models import Organisation

from .choices import ActionScopeKind, ActionStatus, ActionTransitionKind, CallKind
from .rules import action_is_overdue


class SystemCall(models.Model):
    """The SCC's call with providers: who chaired, what was said, the board at its start."""

    kind = models.CharField(max_length=16, choices=CallKind.choices)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chair = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    figures = models.JSONField(help_text="The GET /api/v1/board/ document at the call's start.")

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at"], name="system_call_started_idx")]
        constraints = [
            models.CheckConstraint(
                name="system_call_kind_valid", condition=Q(kind__in=CallKind.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} call {self.started_at:%Y-%m-%d %H:%M}"


class Declaration(models.Model):
    """An organisation's declared OPEL on a call, beside the OPEL the board computed."""

    call = models.ForeignKey(SystemCall, on_delete=models.CASCADE, related_name="declarations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    opel = models.PositiveSmallIntegerField(null=True, blank=True)
    computed_opel = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Organisation OPEL (or REAP level) at the call's start."
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["call", "organisation__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="declaration_one_per_organisation"
            ),
            models.CheckConstraint(
                name="declaration_opel_1_to_4",
                condition=Q(opel__isnull=True) | Q(opel__gte=1, opel__lte=4),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} OPEL {self.opel}"


class Action(models.Model):
    """What someone agreed to do, by when; its effect on its scope's headline figures.

    ``effect_*`` hold ``{figure: value}`` for the scope (DOMAIN.md "an action's effect"):
    taken when created and when done; 4 h and 24 h after creation by the beat job once reached.
    """

    text = models.TextField()
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="actions"
    )
    owner_name = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    scope_kind = models.CharField(max_length=16, choices=ActionScopeKind.choices, blank=True)
    scope = models.CharField(
        max_length=32, blank=True, help_text="Site or organisation code, 'system', or empty."
    )
    alert = models.ForeignKey(
        "escalation.Alert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    call = models.ForeignKey(
        SystemCall, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True, help_text="Said when done or cancelled.")
    overdue_at = models.DateTimeField(
        null=True, blank=True, help_text="When the beat job found it open past due (once)."
    )
    effect_at_created = models.JSONField(null=True, blank=True)
    effect_at_done = models.JSONField(null=True, blank=True)
    effect_after_4h = models.JSONField(null=True, blank=True)
    effect_after_24h = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="action_status_valid", condition=Q(status__in=ActionStatus.values)
            ),
            models.CheckConstraint(
                name="action_status_fits_times",
                condition=Q(
                    status=ActionStatus.OPEN,
                    done_at__isnull=True,
                    cancelled_at__isnull=True,
                )
                | Q(
                    status=ActionStatus.DONE,
                    done_at__isnull=False,
                    done_by__isnull=False,
                    cancelled_at__isnull=True,
                )
                | Q(
                    status=ActionStatus.CANCELLED,
                    cancelled_at__isnull=False,
                    cancelled_by__isnull=False,
                    done_at__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="action_scope_fits_kind",
                condition=Q(scope_kind="", scope="")
                | Q(scope_kind=ActionScopeKind.SYSTEM, scope="system")
                | Q(
                    scope_kind__in=[ActionScopeKind.SITE, ActionScopeKind.ORGANISATION],
                    scope__gt="",
                ),
            ),
            models.CheckConstraint(
                name="action_cancelled_has_no_done_effect",
                condition=~Q(status=ActionStatus.CANCELLED) | Q(effect_at_done__isnull=True),
            ),
            models.CheckConstraint(
                name="action_ends_after_created",
                condition=(Q(done_at__isnull=True) | Q(done_at__gte=F("created_at")))
                & (Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=F("created_at"))),
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status=ActionStatus.OPEN),
                name="action_open_due_idx",
            ),
            models.Index(fields=["owner_organisation", "status"], name="action_owner_status_idx"),
            models.Index(fields=["-created_at"], name="action_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_organisation_id} {self.text[:40]} ({self.status})"

    def is_overdue(self, now) -> bool:
        return action_is_overdue(status=self.status, due_at=self.due_at, now=now)


class ActionTransition(models.Model):
    """Every change of an action, kept. Overdue rows with ``notified_at`` empty are the mail
    outbox."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=16, choices=ActionTransitionKind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind"], name="action_transition_once_per_kind"
            ),
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(kind=ActionTransitionKind.OVERDUE, notified_at__isnull=True),
                name="action_overdue_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
