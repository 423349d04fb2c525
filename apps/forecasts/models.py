"""Imported daily history and the stored forecasts (with their backtests)."""

from django.db import models
from django.db.models import Q

from .choices import Series


class HistoryDay(models.Model):
    """One site's figures for one local day, imported with ``load_history`` (``None``: not
    known). The product's own figures win over these where both exist."""

    site = models.ForeignKey("beds.Site", on_delete=models.CASCADE, related_name="history_days")
    date = models.DateField()
    ed_attendances = models.PositiveIntegerField(null=True, blank=True)
    emergency_admissions = models.PositiveIntegerField(null=True, blank=True)
    ga_occupied_midday = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["site_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["site", "date"], name="history_day_one_per_site_date"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.date}"


class Forecast(models.Model):
    """The latest forecast of one series for one scope (a site's code or ``system``), with its
    backtest; replaced by each run.

    ``days``: ``[{"date", "mean", "lo50", "hi50", "lo95", "hi95"}]`` for the 14 local days after
    ``made_for`` (empty with a ``reason``). ``backtest``: ``{"mae", "mape", "coverage95",
    "baseline_mae", "baseline_mape", "pairs", "origins"}`` or ``None``. ``history``: the last
    56 days ``[[date, value]]`` the chart draws.
    """

    scope = models.CharField(max_length=32)
    series = models.CharField(max_length=32, choices=Series.choices)
    made_at = models.DateTimeField()
    made_for = models.DateField(help_text="The local day the forecast was made on ('today').")
    model = models.CharField(max_length=120)
    history_days = models.PositiveIntegerField()
    reason = models.TextField(blank=True, default="")
    days = models.JSONField(default=list)
    backtest = models.JSONField(null=True, blank=True)
    history = models.JSONField(default=list)

    class Meta:
        ordering = ["scope", "series"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "series"], name="forecast_one_per_scope_series"
            ),
            models.CheckConstraint(
                condition=Q(series__in=[s.value for s in Series]), name="forecast_series_known"
            ),
            models.CheckConstraint(
                condition=~Q(reason="") | ~Q(days=[]), name="forecast_days_or_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.series} @ {self.made_at:%Y-%m-%d %H:%M}"
