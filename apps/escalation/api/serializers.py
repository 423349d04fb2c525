from rest_framework import serializers

from apps.core.serializers import KnownFieldsSerializer

from ..choices import AlertStatus, RuleCode, ScopeKind, Severity


class AlertOut(serializers.Serializer):
    """An alert as the board shows it (API.md ``alerts``)."""

    id = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=RuleCode.choices)
    scope = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    raised_at = serializers.DateTimeField()
    message = serializers.CharField()
    acknowledged_by = serializers.CharField(allow_null=True)


class AlertDetailOut(AlertOut):
    """``AlertOut`` plus the acknowledgement and the end of the alert."""

    scope_kind = serializers.ChoiceField(choices=ScopeKind.choices)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledgement_note = serializers.CharField(allow_blank=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class AlertsQueryIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=AlertStatus.choices, default=AlertStatus.OPEN)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=500)


class AcknowledgeIn(KnownFieldsSerializer):
    note = serializers.CharField(max_length=2000, trim_whitespace=True)
