from rest_framework import serializers

from apps.sitreps.exceptions import ScopeError
from apps.sitreps.fields import SitrepTimeField

from ..models import VirtualWard

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
    """A census of some of the posting organisation's virtual wards at ``as_at``."""

    as_at = SitrepTimeField()
    wards = CensusWardIn(many=True, allow_empty=False)

    def validate(self, attrs):
        organisation = self.context["organisation"]
        codes = {item["ward"] for item in attrs["wards"]}
        known = {w.code: w for w in VirtualWard.objects.filter(code__in=codes)}
        errors: dict[int, dict[str, list[str]]] = {}
        others: list[str] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(attrs["wards"]):
            code = item["ward"]
            ward = known.get(code)
            if code in seen:
                errors[i] = {"ward": [f"{code} repeats item {seen[code]}."]}
            elif ward is None:
                errors[i] = {"ward": [f"Unknown virtual ward {code}."]}
            elif ward.organisation_id != organisation.pk:
                others.append(code)
            seen.setdefault(code, i)
            item["ward"] = ward
        if others:
            raise ScopeError(
                f"{', '.join(sorted(set(others)))} not a virtual ward of {organisation.code}."
            )
        if errors:
            raise serializers.ValidationError({"wards": errors})
        return attrs


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
