from __future__ import annotations

from rest_framework import serializers

from ..choices import PlanMetric, PlanStatus
from ..rules import MONTH_RULE, month_parse


class PlanQueryIn(serializers.Serializer):
    month = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        error_messages={"invalid": MONTH_RULE[0].upper() + MONTH_RULE[1:]},
    )

    def validate_month(self, value: str) -> str:
        """Within the plan's years (``rules.FIRST_YEAR``–``LAST_YEAR``)."""
        if month_parse(value) is None:
            raise serializers.ValidationError(MONTH_RULE[0].upper() + MONTH_RULE[1:])
        return value


class PlanRowOut(serializers.Serializer):
    metric = serializers.ChoiceField(choices=PlanMetric.choices)
    scope = serializers.CharField(
        help_text="system, or a site / organisation / virtual ward code, as the metric takes."
    )
    plan = serializers.FloatField(help_text="The planned value for the month.")
    actual = serializers.FloatField(
        allow_null=True,
        help_text="Measured from the product's own figures (a month in progress: its days so "
        "far, today included); null when there is none.",
    )
    status = serializers.ChoiceField(choices=PlanStatus.choices)


class PlanMonthOut(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    rows = PlanRowOut(many=True)
