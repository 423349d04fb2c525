from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

# Far above any virtual ward, well inside PostgreSQL's integer.
MAX_COUNT = 100_000


class CensusWardIn(serializers.Serializer):
    ward = serializers.CharField(max_length=32)
    capacity = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    occupied = serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        help_text="May exceed capacity: a ward running over capacity is shown as such.",
    )


class VirtualWardCensusIn(serializers.Serializer):
    """A census of some of the posting organisation's virtual wards at ``as_at``: the shape.

    The estate checks are ``apps.virtualwards.sitrep.virtual_wards_sitrep_resolve``.
    """

    as_at = SitrepTimeField()
    wards = CensusWardIn(many=True, allow_empty=False)


class CensusWardResultOut(serializers.Serializer):
    ward = serializers.CharField()
    current = serializers.BooleanField(
        help_text="True when this census is now the ward's figures in force; false when a "
        "newer census is already held (this one is kept as history)."
    )


class VirtualWardCensusOut(serializers.Serializer):
    submission = serializers.IntegerField()
    wards = CensusWardResultOut(many=True)


class VirtualWardOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    capacity = serializers.IntegerField(
        allow_null=True, help_text="Latest census capacity; null if the ward never reported."
    )
    occupied = serializers.IntegerField(allow_null=True)
    pct = serializers.FloatField(allow_null=True)
    as_at = serializers.DateTimeField(allow_null=True)
    funded_capacity = serializers.IntegerField(help_text="Capacity in the estate file.")


class VirtualWardsSystemOut(serializers.Serializer):
    capacity = serializers.IntegerField(help_text="Sum over wards that have reported.")
    occupied = serializers.IntegerField()
    pct = serializers.FloatField(allow_null=True)
    per_100k = serializers.FloatField(allow_null=True)
    wards_reported = serializers.IntegerField()
    wards_total = serializers.IntegerField()
