from rest_framework import serializers


class HandoversLiveOut(serializers.Serializer):
    """A site's (or the system's) ambulance handovers now and today (DOMAIN.md)."""

    waiting_now = serializers.IntegerField()
    longest_wait_min = serializers.IntegerField()
    arrivals_today = serializers.IntegerField()
    mean_handover_min_today = serializers.FloatField(allow_null=True)
    over_30_today = serializers.IntegerField()
    over_60_today = serializers.IntegerField()
    lost_hours_today = serializers.FloatField()
