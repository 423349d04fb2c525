"""The plan store: one planned value per metric, scope and month."""

from django.db import models
from django.db.models import Q

from .choices import PlanMetric


class PlanValue(models.Model):
    """What the system committed to for ``metric`` in ``scope`` in ``month``.

    ``scope`` is ``system``, a site code, an organisation code or a virtual ward code, as the
    metric allows (``apps.plan.metrics``). Loaded by ``load_plan`` (and, for virtual-ward
    capacity by ward, ``load_vw_plan``); a new value for the same key replaces the old one.
    """

    metric = models.CharField(max_length=32, choices=PlanMetric.choices)
    scope = models.CharField(max_length=32)
    month = models.DateField(help_text="First day of the month.")
    value = models.DecimalField(max_digits=10, decimal_places=2)
    note = models.CharField(
        max_length=100, blank=True, help_text="Free text (virtual wards: the medical cover)."
    )
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["metric", "scope", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "scope", "month"], name="plan_value_one_per_metric_scope_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="plan_value_month_first_day"),
            models.CheckConstraint(
                condition=Q(metric__in=PlanMetric.values), name="plan_value_metric_valid"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="plan_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.scope} {self.month:%Y-%m}: {self.value}"
