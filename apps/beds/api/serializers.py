from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

from ..choices import REPORTED_BED_STATUSES


class OccupancyOut(serializers.Serializer):
    """Adult G&A occupancy of a site or the system (DOMAIN.md "Beds and occupancy")."""

    occupied = serializers.IntegerField()
    available = serializers.IntegerField()
    pct = serializers.FloatField(allow_null=True)
    core_open = serializers.IntegerField()
    escalation_open = serializers.IntegerField()
    closed = serializers.IntegerField()
    bed_gap = serializers.IntegerField()


# --------------------------------------------------------------------------- POST sitreps/beds

# Counts far beyond any ward; keeps sums well inside PostgreSQL integers.
_MAX_COUNT = 10_000


class BedIn(serializers.Serializer):
    """One bed of a bed list (documents the shape; ``BedListField`` does the checking)."""

    bed = serializers.CharField(max_length=48, help_text="The bed's code, e.g. LRI-W22-B01.")
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in REPORTED_BED_STATUSES])


@extend_schema_field(BedIn(many=True))
class BedListField(serializers.Field):
    """A ward's bed list as ``[(code, status)]``, checked in one pass.

    A 1,000-bed site would otherwise cost two thousand nested field runs per sitrep. Errors are
    keyed by the index of the bed, like a nested list serializer's.
    """

    default_error_messages = {"not_a_list": "Expected a list of beds."}
    # Each bed's shape, for the sitrep ingest's unknown-field rule (``apps.sitreps.unknown``).
    item_serializer = BedIn
    _statuses = frozenset(REPORTED_BED_STATUSES)
    _status_names = ", ".join(REPORTED_BED_STATUSES)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        beds: list[tuple[str, str]] = []
        errors: dict[int, dict[str, list[str]]] = {}
        for i, item in enumerate(data):
            if not isinstance(item, dict):
                errors[i] = {"non_field_errors": ["Expected an object with bed and status."]}
                continue
            code, status = item.get("bed"), item.get("status")
            problems = {}
            if not isinstance(code, str) or not code.strip():
                problems["bed"] = ["Give the bed's code."]
            elif len(code) > 48:
                problems["bed"] = ["A bed code has at most 48 characters."]
            if not isinstance(status, str) or status not in self._statuses:
                problems["status"] = [f"{status!r} is not one of {self._status_names}."]
            if problems:
                errors[i] = problems
            else:
                beds.append((code.strip(), status))
        if errors:
            raise serializers.ValidationError(errors)
        return beds

    def to_representation(self, value):
        return [{"bed": code, "status": status} for code, status in value]


class CountsIn(serializers.Serializer):
    occupied = serializers.IntegerField(min_value=0, max_value=_MAX_COUNT)
    vacant = serializers.IntegerField(min_value=0, max_value=_MAX_COUNT)
    closed = serializers.IntegerField(min_value=0, max_value=_MAX_COUNT, default=0)
    escalation_open = serializers.IntegerField(min_value=0, max_value=_MAX_COUNT, default=0)


class IndexedListSerializer(serializers.ListSerializer):
    """Item errors keyed by index, only for the bad items: ``{"2": {...}}`` (API.md)."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, list) and all(isinstance(e, dict) for e in detail):
                raise serializers.ValidationError(
                    {i: errors for i, errors in enumerate(detail) if errors}
                ) from exc
            raise


class WardIn(serializers.Serializer):
    ward = serializers.CharField(max_length=32)
    beds = BedListField(
        required=False,
        help_text="Every core bed of the ward; an escalation bed not listed is not open.",
    )
    counts = CountsIn(
        required=False,
        help_text="occupied + vacant are the open beds, of which escalation_open are escalation "
        "beds; closed counts closed core beds.",
    )

    class Meta:
        list_serializer_class = IndexedListSerializer

    def validate(self, attrs):
        if ("beds" in attrs) == ("counts" in attrs):
            raise serializers.ValidationError("Give either beds or counts for a ward.")
        return attrs


class BedSitrepIn(serializers.Serializer):
    """Bed state of one site at ``as_at`` (API.md ``POST /api/v1/sitreps/beds/``): the shape.

    The estate checks (site, wards, beds, counts) are ``apps.beds.sitrep.beds_sitrep_resolve``.
    """

    site = serializers.CharField(max_length=32)
    as_at = SitrepTimeField()
    wards = WardIn(many=True, allow_empty=False)


class WardAppliedOut(serializers.Serializer):
    ward = serializers.CharField()
    current = serializers.BooleanField(
        help_text="False when a newer state of the ward was already held: this one is archived "
        "in the ward's history but does not change its current state."
    )


class BedSitrepOut(serializers.Serializer):
    submission = serializers.IntegerField()
    site = serializers.CharField()
    as_at = serializers.DateTimeField()
    wards = WardAppliedOut(many=True)


# --------------------------------------------------------------------------- GET estate, site


class EstateSystemOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()


class EstateOrganisationOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class EstateWardOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    bed_type = serializers.CharField()
    core_beds = serializers.IntegerField()
    escalation_beds = serializers.IntegerField()
    beds = serializers.ListField(
        child=serializers.CharField(), help_text="Bed codes: core beds, then escalation beds."
    )


class EstateSiteOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    wards = EstateWardOut(many=True)


class EstateVirtualWardOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    capacity = serializers.IntegerField()


class EstateOut(serializers.Serializer):
    """The estate as the board holds it, in the estate file's shape (API.md)."""

    system = EstateSystemOut(allow_null=True)
    organisations = EstateOrganisationOut(many=True)
    sites = EstateSiteOut(many=True)
    virtual_wards = EstateVirtualWardOut(many=True)


class WardCountsOut(serializers.Serializer):
    occupied = serializers.IntegerField()
    vacant = serializers.IntegerField()
    closed = serializers.IntegerField()
    escalation_open = serializers.IntegerField()


class BedStateOut(serializers.Serializer):
    bed = serializers.CharField()
    escalation = serializers.BooleanField()
    status = serializers.CharField(
        allow_null=True,
        help_text="occupied, vacant, closed or not_open (a shut escalation bed); null unless "
        "the ward's latest report was a bed list.",
    )
    since = serializers.DateTimeField(allow_null=True)


class WardStateOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    bed_type = serializers.CharField()
    core_beds = serializers.IntegerField()
    escalation_beds = serializers.IntegerField()
    as_at = serializers.DateTimeField(
        allow_null=True, help_text="as_at of the ward's current state; null: never reported."
    )
    source = serializers.CharField(allow_null=True, help_text="bed_list or counts.")
    counts = WardCountsOut(allow_null=True)
    beds = BedStateOut(many=True)


class SiteStateOut(serializers.Serializer):
    """One site and each ward's current state (API.md ``GET /api/v1/sites/<code>/``)."""

    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    occupancy_by_bed_type = serializers.DictField(
        child=OccupancyOut(allow_null=True),
        help_text="Per bed type of the site's wards; null when none of them has reported.",
    )
    wards = WardStateOut(many=True)
