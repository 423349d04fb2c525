from rest_framework import serializers

from apps.ambulance.api.response_serializers import CategoriesOut, ServiceResponseOut
from apps.ambulance.api.serializers import HandoversLiveOut
from apps.beds.api.serializers import OccupancyOut
from apps.discharge.api.serializers import MofdBoardOut
from apps.emergency.api.serializers import EmergencyLiveOut
from apps.virtualwards.api.serializers import VirtualWardOut, VirtualWardsSystemOut


class BoardActionsOut(serializers.Serializer):
    """Open actions, and those of them past due now (DOMAIN.md "System calls and actions")."""

    open = serializers.IntegerField()
    overdue = serializers.IntegerField()


class BoardSystemOut(serializers.Serializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    population = serializers.IntegerField(allow_null=True)
    occupancy = OccupancyOut(allow_null=True)
    handovers = HandoversLiveOut(allow_null=True)
    mofd = MofdBoardOut(allow_null=True)
    virtual_wards = VirtualWardsSystemOut(allow_null=True)
    emergency = EmergencyLiveOut(
        allow_null=True,
        help_text="Every ED summed (percentages from the summed counts; the longest DTA wait "
        "the longest); null when no site reports ED attendances.",
    )
    opel = serializers.IntegerField(allow_null=True, min_value=1, max_value=4)
    actions = BoardActionsOut()
    ambulance_response = ServiceResponseOut(many=True)
    ambulance_response_total = CategoriesOut(
        help_text="Today's response figures pooled over every ambulance service."
    )


class BoardSiteOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    last_sitrep_at = serializers.DateTimeField(allow_null=True)
    occupancy = OccupancyOut(allow_null=True, help_text="Adult G&A (ga_adult) only.")
    occupancy_by_bed_type = serializers.DictField(
        child=OccupancyOut(allow_null=True),
        help_text="The same figures for each bed type the site has wards of (ga_adult, "
        "community, mental_health, ...); null when none of those wards has reported.",
    )
    handovers = HandoversLiveOut(allow_null=True)
    emergency = EmergencyLiveOut(
        allow_null=True, help_text="Null for a site that does not report ED attendances."
    )
    opel = serializers.IntegerField(allow_null=True, min_value=1, max_value=4)
    open_alerts = serializers.IntegerField()


class BoardAlertOut(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField()
    scope = serializers.CharField()
    severity = serializers.CharField()
    raised_at = serializers.DateTimeField()
    message = serializers.CharField()
    acknowledged_by = serializers.CharField(allow_null=True)


class BoardOut(serializers.Serializer):
    generated_at = serializers.DateTimeField()
    system = BoardSystemOut()
    sites = BoardSiteOut(many=True)
    virtual_wards = VirtualWardOut(many=True)
    alerts = BoardAlertOut(many=True)
