from __future__ import annotations

from rest_framework import serializers

from ..choices import Series


class ForecastQuery(serializers.Serializer):
    scope = serializers.CharField(
        required=False, default="system", help_text="A site's code (e.g. RWE-LRI) or `system`."
    )
    series = serializers.ChoiceField(choices=Series.choices, help_text="Which daily series.")


class BedOutlookQuery(serializers.Serializer):
    scope = serializers.CharField(
        required=False, default="system", help_text="A site's code (e.g. RWE-LRI) or `system`."
    )


class ForecastDayOut(serializers.Serializer):
    date = serializers.DateField(help_text="Local day (Europe/London).")
    mean = serializers.FloatField(help_text="Forecast mean, in the series' units, one decimal.")
    lo50 = serializers.FloatField(help_text="50% prediction interval, lower end.")
    hi50 = serializers.FloatField(help_text="50% prediction interval, upper end.")
    lo95 = serializers.FloatField(help_text="95% prediction interval, lower end (≥ 0).")
    hi95 = serializers.FloatField(help_text="95% prediction interval, upper end.")


class BacktestOut(serializers.Serializer):
    mae = serializers.FloatField(allow_null=True, help_text="Mean absolute error, series' units.")
    mape = serializers.FloatField(
        allow_null=True, help_text="Mean absolute percentage error (%), non-zero actuals only."
    )
    coverage95 = serializers.FloatField(
        allow_null=True, help_text="Fraction (0–1) of actuals inside the 95% interval."
    )
    baseline_mae = serializers.FloatField(
        allow_null=True, help_text="The seasonal-naive baseline's MAE on the same pairs."
    )
    baseline_mape = serializers.FloatField(allow_null=True)
    pairs = serializers.IntegerField(help_text="(origin, day) pairs with a known actual.")
    origins = serializers.IntegerField(help_text="Origins backtested (today − 69 … today − 14).")
    beats_baseline = serializers.BooleanField(
        allow_null=True, help_text="Whether the model's MAE is below the baseline's."
    )


class ForecastOut(serializers.Serializer):
    scope = serializers.CharField()
    series = serializers.ChoiceField(choices=Series.choices)
    made_at = serializers.DateTimeField(allow_null=True, help_text="When the forecast was fitted.")
    history_days = serializers.IntegerField(help_text="Days with a value in the series.")
    model = serializers.CharField(help_text="The model and library that made the forecast.")
    days = ForecastDayOut(many=True, help_text="The 14 local days after today; [] with a reason.")
    backtest = BacktestOut(allow_null=True)
    reason = serializers.CharField(
        allow_null=True, help_text="Why there is no forecast (`days` is []); null otherwise."
    )


class BedOutlookDayOut(serializers.Serializer):
    date = serializers.DateField()
    occupied_mean = serializers.IntegerField(help_text="Forecast adult G&A occupied, whole beds.")
    pct_mean = serializers.FloatField(allow_null=True, help_text="% of available, one decimal.")
    bed_gap_mean = serializers.IntegerField(help_text="Beds needed to be at 92% (bed-gap rule).")
    p_reach_92 = serializers.FloatField(
        allow_null=True, help_text="P(occupied ≥ 92% of available), 0–1, two decimals."
    )
    p_reach_95 = serializers.FloatField(allow_null=True)


class BedOutlookOut(serializers.Serializer):
    scope = serializers.CharField()
    available = serializers.IntegerField(
        allow_null=True, help_text="Adult G&A beds open now (the board's figure)."
    )
    made_at = serializers.DateTimeField(allow_null=True)
    days = BedOutlookDayOut(many=True)
    reason = serializers.CharField(allow_null=True)
