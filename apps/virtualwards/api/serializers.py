from rest_framework import serializers


class VirtualWardOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    capacity = serializers.IntegerField(allow_null=True)
    occupied = serializers.IntegerField(allow_null=True)
    pct = serializers.FloatField(allow_null=True)
    as_at = serializers.DateTimeField(allow_null=True)


class VirtualWardsSystemOut(serializers.Serializer):
    capacity = serializers.IntegerField()
    occupied = serializers.IntegerField()
    pct = serializers.FloatField(allow_null=True)
    per_100k = serializers.FloatField(allow_null=True)
