from rest_framework import serializers


class OccupancyOut(serializers.Serializer):
    """Adult G&A occupancy of a site or the system (DOMAIN.md "Beds and occupancy")."""

    occupied = serializers.IntegerField()
    available = serializers.IntegerField()
    pct = serializers.FloatField(allow_null=True)
    core_open = serializers.IntegerField()
    escalation_open = serializers.IntegerField()
    closed = serializers.IntegerField()
    bed_gap = serializers.IntegerField()
