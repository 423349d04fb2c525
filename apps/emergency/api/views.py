from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_date

from ..selectors import emergency_daily
from .serializers import EmergencyDailyOut, EmergencyDailyQuery

_EXAMPLE_ROW = {
    "site": "RWE-LRI",
    "attendances": 6,
    "departed": 5,
    "met_4h": 3,
    "four_hour_pct": 60.0,
    "type1_four_hour_pct": 50.0,
    "over_12h": 1,
    "dta_over_12h": 0,
    "mean_min_admitted": 570.0,
    "mean_min_non_admitted": 170.0,
}


class EmergencyDailyView(APIView):
    @extend_schema(
        summary="ED figures per site for a local day",
        description=(
            "One row per site that reports ED attendances (with or without attendances that "
            "day), for the Europe/London day (23 or 25 hours on clock-change days), and the "
            "total pooled over every record (sums of counts; percentages and means over all "
            "records, never averages of rows). `attendances` counts arrivals in the day; every "
            "other figure counts departures in the day. The four-hour standard is met at 240 "
            "minutes or less, to the second; 12 hours is more than 720 minutes. Percentages "
            "and means: one decimal, half up; null over an empty set."
        ),
        parameters=[EmergencyDailyQuery],
        responses={
            200: EmergencyDailyOut,
            400: OpenApiResponse(description="Malformed date: the error names the parameter."),
            404: OpenApiResponse(description="A future date: its figures do not exist yet."),
        },
        examples=[
            OpenApiExample(
                "DOMAIN worked example (one site)",
                value={
                    "date": "2026-11-23",
                    "sites": [_EXAMPLE_ROW],
                    "total": {**_EXAMPLE_ROW, "site": "TOTAL"},
                },
                response_only=True,
            )
        ],
        tags=["emergency"],
    )
    def get(self, request):
        query = EmergencyDailyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = local_date(timezone.now())
        day = query.validated_data.get("date") or today
        if day > today:
            raise exceptions.NotFound(f"No ED figures for {day}: it is in the future.")
        return Response(EmergencyDailyOut(emergency_daily(day=day)).data)
