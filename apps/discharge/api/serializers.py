from rest_framework import serializers


class PathwayCountsOut(serializers.Serializer):
    P0 = serializers.IntegerField()
    P1 = serializers.IntegerField()
    P2 = serializers.IntegerField()
    P3 = serializers.IntegerField()


class MofdBoardOut(serializers.Serializer):
    """MOFD patients on the lists in force now, system-wide."""

    total = serializers.IntegerField()
    by_pathway = PathwayCountsOut()
    planned_today = serializers.IntegerField()
    awaiting_outcome = serializers.IntegerField()
