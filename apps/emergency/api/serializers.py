from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

from ..choices import DepartmentType, Disposition

EMERGENCY_DESCRIPTION = """
ED attendances at the sending organisation's own sites (another organisation's site: 403; an
unknown site: 400). The batch is applied atomically; every invalid item is named.

Natural key: (organisation, `attendance`), the provider's own reference: no personal details.
Posting an attendance again **fills in or corrects** it: a null or absent
`decision_to_admit_at`, `departed_at` or `disposition` means "not known in this message" and
never clears a time already held; a value corrects it. `site`, `department_type` and
`arrived_at` are stated in every post and replace what was held.

Rules, checked on the merged record (what is held plus this post): `arrived_at ≤
decision_to_admit_at ≤ departed_at`; `departed_at` and `disposition` together or not at all; a
departure at most 7 days after arrival; `department_type` 1-3; an attendance at most once per
batch; times with an offset and not more than 5 minutes in the future. Times are kept to the
whole second. The 201 body also lists the local `days` and `sites` whose figures changed.
""".strip()


class AttendanceIn(serializers.Serializer):
    """One attendance's shape; the rules on it are checked in ``emergency_sitrep_resolve``."""

    attendance = serializers.CharField(
        max_length=64, help_text="The provider's own reference for the attendance."
    )
    site = serializers.CharField(max_length=32, help_text="The ED's site code, e.g. RWE-LRI.")
    department_type = serializers.ChoiceField(choices=DepartmentType.choices)
    arrived_at = SitrepTimeField()
    decision_to_admit_at = SitrepTimeField(required=False, allow_null=True, default=None)
    departed_at = SitrepTimeField(required=False, allow_null=True, default=None)
    disposition = serializers.ChoiceField(
        choices=Disposition.choices, required=False, allow_null=True, default=None
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An arrival, then its decision to admit and departure",
            value={
                "attendances": [
                    {
                        "attendance": "LRI-ED-000123",
                        "site": "RWE-LRI",
                        "department_type": 1,
                        "arrived_at": "2026-11-23T07:05:00+00:00",
                        "decision_to_admit_at": "2026-11-23T09:40:00+00:00",
                        "departed_at": None,
                        "disposition": None,
                    }
                ]
            },
            request_only=True,
        )
    ]
)
class AttendancesIn(serializers.Serializer):
    attendances = AttendanceIn(many=True, allow_empty=False, max_length=5000)


class AttendancesAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    attendances = serializers.IntegerField(help_text="Attendances written (created or updated).")
    days = serializers.ListField(
        child=serializers.DateField(),
        help_text="Local days (Europe/London) whose ED figures this submission changed.",
    )
    sites = serializers.ListField(
        child=serializers.CharField(),
        help_text="Sites whose ED figures this submission changed.",
    )


_PCT = "One decimal, half up; null when nobody departed."


class EmergencyDayOut(serializers.Serializer):
    site = serializers.CharField(help_text='Site code; "TOTAL" for the total row.')
    attendances = serializers.IntegerField(help_text="Arrivals in the local day.")
    departed = serializers.IntegerField(help_text="Departures in the local day.")
    met_4h = serializers.IntegerField(help_text="Departures within 4:00:00 of arrival.")
    four_hour_pct = serializers.FloatField(allow_null=True, help_text="All types. " + _PCT)
    type1_four_hour_pct = serializers.FloatField(
        allow_null=True, help_text="Type 1 departments only. " + _PCT
    )
    over_12h = serializers.IntegerField(help_text="Departures over 720 minutes after arrival.")
    dta_over_12h = serializers.IntegerField(
        help_text="Departures over 720 minutes after their decision to admit."
    )
    mean_min_admitted = serializers.FloatField(
        allow_null=True, help_text="Mean minutes in the department, admitted departures."
    )
    mean_min_non_admitted = serializers.FloatField(
        allow_null=True, help_text="Mean minutes in the department, every other departure."
    )


class EmergencyDailyOut(serializers.Serializer):
    date = serializers.DateField()
    sites = EmergencyDayOut(many=True)
    total = EmergencyDayOut(help_text="Pooled over every record, not averaged over rows.")


class EmergencyDailyQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Local day; default today.")


class EmergencyLiveOut(serializers.Serializer):
    """A site's (or the system's) emergency department now and today (DOMAIN.md)."""

    in_department_now = serializers.IntegerField()
    over_12h_now = serializers.IntegerField(help_text="In the department over 720 minutes.")
    awaiting_bed_now = serializers.IntegerField(help_text="In the department with a DTA.")
    longest_dta_wait_min = serializers.IntegerField(
        allow_null=True, help_text="Whole minutes, rounded down; null when nobody waits."
    )
    attendances_today = serializers.IntegerField()
    four_hour_pct_today = serializers.FloatField(allow_null=True)
    type1_four_hour_pct_today = serializers.FloatField(allow_null=True)
