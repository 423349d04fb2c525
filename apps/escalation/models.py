"""Escalation rules (data), alerts and every transition of an alert (which is also the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .choices import RuleCode, ScopeKind, Severity, TransitionKind
from .rules import RULE_DEFINITIONS


class EscalationRule(models.Model):
    """One default rule of DOMAIN.md, its thresholds editable in the admin.

    The comparison (≥, >, <) and the scope belong to the rule's code (rules.RULE_DEFINITIONS);
    only the thresholds and whether the rule is on are data.
    """

    code = models.CharField(max_length=32, choices=RuleCode.choices, unique=True)
    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    amber = models.DecimalField("amber threshold", max_digits=9, decimal_places=2)
    red = models.DecimalField(
        "red threshold", max_digits=9, decimal_places=2, null=True, blank=True
    )
    # No Python default on purpose: a row inserted without one (a later migration adding a
    # rule, the ORM) gets its code's default from the database's insert trigger
    # (migration 0003), so every rule has DOMAIN.md's deadband whichever branch adds it.
    deadband = models.DecimalField(
        "deadband",
        max_digits=9,
        decimal_places=2,
        help_text=(
            "An open alert closes, or steps down from red to amber, only once the figure is "
            "back past the threshold by this much (same unit as the thresholds; 0: as soon as "
            "the condition stops holding)."
        ),
    )
    enabled = models.BooleanField(default=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="escalation_rule_deadband_not_negative", condition=Q(deadband__gte=0)
            ),
            models.CheckConstraint(
                name="escalation_rule_scope_fits_code",
                condition=(
                    Q(
                        code__in=[
                            RuleCode.SITE_OCCUPANCY,
                            RuleCode.AMBULANCE_WAIT,
                            RuleCode.SITE_OPEL,
                            RuleCode.STALE_BED_SITREP,
                            RuleCode.ED_FOUR_HOUR,
                            RuleCode.ED_TWELVE_HOUR,
                        ],
                        scope_kind=ScopeKind.SITE,
                    )
                    | Q(
                        code__in=[
                            RuleCode.MOFD_P1_P3,
                            RuleCode.CAT2_MEAN,
                            RuleCode.ACTION_OVERDUE,
                        ],
                        scope_kind=ScopeKind.ORGANISATION,
                    )
                    | Q(code=RuleCode.VW_UTILISATION, scope_kind=ScopeKind.SYSTEM)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def clean(self) -> None:
        definition = RULE_DEFINITIONS.get(self.code)
        if definition is None or self.red is None or self.amber is None:
            return
        if not definition.comparison.worse_or_equal(self.red, self.amber):
            symbol = definition.comparison.symbol
            raise ValidationError(
                {"red": f"The red threshold must be at least as bad as amber ({symbol})."}
            )


class AlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def acknowledged(self):
        return self.open().filter(acknowledged_at__isnull=False)

    def closed(self):
        return self.filter(closed_at__isnull=False)


class Alert(models.Model):
    """A rule holding for one scope, from raised to closed. At most one open per (rule, scope)."""

    rule = models.ForeignKey(
        EscalationRule,
        to_field="code",
        db_column="rule_code",
        on_delete=models.PROTECT,
        related_name="alerts",
    )
    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    scope = models.CharField(max_length=32, help_text="Site or organisation code, or 'system'.")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    message = models.TextField()
    raised_at = models.DateTimeField()
    severity_changed_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "scope"],
                condition=Q(closed_at__isnull=True),
                name="alert_one_open_per_rule_scope",
            ),
            models.CheckConstraint(
                name="alert_acknowledged_by_someone",
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
            ),
            models.CheckConstraint(
                name="alert_closed_after_raised",
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("raised_at")),
            ),
        ]
        indexes = [models.Index(fields=["-closed_at"], name="alert_closed_at_idx")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.scope} {self.severity}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def rule_label(self) -> str:
        return RuleCode(self.rule_id).label


class AlertTransition(models.Model):
    """Every change of an alert, kept. Rows with ``notified_at`` empty are the mail outbox."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=16, choices=TransitionKind.choices)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(blank=True)
    message = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(notified_at__isnull=True),
                name="alert_transition_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert} {self.kind} {self.at:%Y-%m-%d %H:%M}"
