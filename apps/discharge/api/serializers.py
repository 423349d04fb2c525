from __future__ import annotations

from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

from ..choices import DelayReason, Pathway, S1State
from ..rules import nhs_number_valid


# --------------------------------------------------------------------------- input
class MofdPatientIn(serializers.Serializer):
    ref = serializers.CharField(max_length=64)
    nhs_number = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=16
    )
    site = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    ward = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    mofd_on = serializers.DateField()
    pathway = serializers.ChoiceField(choices=Pathway.choices)
    planned_discharge_on = serializers.DateField(required=False, allow_null=True)
    delay_reason = serializers.ChoiceField(
        choices=DelayReason.choices, required=False, allow_null=True, allow_blank=True
    )

    def validate_nhs_number(self, value: str | None) -> str:
        value = (value or "").replace(" ", "")
        if value and not nhs_number_valid(value):
            raise serializers.ValidationError("Not a valid NHS number (Modulus 11 check).")
        return value


class DischargedIn(serializers.Serializer):
    ref = serializers.CharField(max_length=64)
    discharged_at = SitrepTimeField()


class MofdListIn(serializers.Serializer):
    """An organisation's complete MOFD list at ``as_at`` (API.md): the shape, and the NHS
    number's format. The checks against the estate and the list's rules are
    ``apps.discharge.sitrep.discharge_sitrep_resolve``."""

    organisation = serializers.CharField(max_length=16)
    as_at = SitrepTimeField()
    patients = MofdPatientIn(many=True, allow_empty=True)
    discharged = DischargedIn(many=True, required=False, default=list)


# --------------------------------------------------------------------------- output
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


class MofdListAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    list = serializers.IntegerField(help_text="The stored list.")
    patients = serializers.IntegerField(help_text="Patients on the list.")
    discharged = serializers.IntegerField(help_text="Explicit discharges recorded.")
    replaced = serializers.BooleanField(
        help_text="A list with the same as_at was held and this one corrected it."
    )
    current = serializers.BooleanField(
        help_text="This is now the organisation's current list (false: an older list, kept "
        "in history only)."
    )


class S1RowOut(serializers.Serializer):
    organisation = serializers.CharField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    planned_today = serializers.IntegerField()
    future_plan = serializers.IntegerField()
    awaiting_outcome = serializers.IntegerField()
    by_pathway = PathwayCountsOut()
    lost_discharges = serializers.IntegerField()
    days_7_plus = serializers.IntegerField()
    days_21_plus = serializers.IntegerField()
    lists = serializers.IntegerField(
        help_text="The organisation's lists with as_at in that local day (0: no list received "
        "that day; the figures are then those of list_as_at's list, or zeros if none)."
    )
    late_lists = serializers.IntegerField(
        help_text="Of those, lists received after the day was frozen: not in its figures."
    )
    list_as_at = serializers.DateTimeField(
        allow_null=True,
        help_text="as_at of the list the figures come from (the latest on or before the end "
        "of the day); null: no list received by then (TOTAL: always null).",
    )


class S1Out(serializers.Serializer):
    date = serializers.DateField()
    state = serializers.ChoiceField(
        choices=S1State.choices,
        help_text="live: today; frozen: stored at the end of the day (frozen_at); not_frozen: "
        "the day is over and will be frozen at the next catch-up.",
    )
    rows = S1RowOut(many=True)
    total = S1RowOut()
    frozen_at = serializers.DateTimeField(
        allow_null=True, help_text="When the day's S1 was frozen; null unless state is frozen."
    )


class TimelinessRowOut(serializers.Serializer):
    organisation = serializers.CharField(help_text="Organisation code; TOTAL for the pooled row.")
    discharged = serializers.IntegerField(help_text="Patients discharged that local day.")
    p1_discharged = serializers.IntegerField(help_text="Of them, P1 on their last list.")
    p1_within_1_day_pct = serializers.FloatField(
        allow_null=True, help_text="% of P1 discharged within 1 day of MOFD (target 90%)."
    )
    p2_p3_discharged = serializers.IntegerField(help_text="Of them, P2 or P3 on their last list.")
    p2_p3_within_2_days_pct = serializers.FloatField(
        allow_null=True, help_text="% of P2/P3 discharged within 2 days of MOFD (target 85%)."
    )
    before_17_pct = serializers.FloatField(
        allow_null=True, help_text="% of all discharges before 17:00 local (target 65%)."
    )
    p0_discharged = serializers.IntegerField(help_text="Of them, P0 on their last list.")
    p0_before_17_pct = serializers.FloatField(
        allow_null=True, help_text="% of P0 discharges before 17:00 local."
    )


class TimelinessOut(serializers.Serializer):
    date = serializers.DateField()
    rows = TimelinessRowOut(many=True)
    total = TimelinessRowOut(help_text="Pooled over every discharge of the day.")
