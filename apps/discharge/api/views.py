from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_today

from ..selectors import S1NoSuchDay, discharge_timeliness, s1_for_day
from .serializers import S1Out, TimelinessOut


class S1QueryIn(serializers.Serializer):
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class S1View(APIView):
    @extend_schema(
        summary="The daily S1: MOFD patients per organisation and where their plans stand",
        description="Default: today (Europe/London). `state` says whether the figures are "
        "live (today), frozen (stored when the day ended, `frozen_at`) or not_frozen (the day "
        "is over, the next catch-up freezes it). Each row counts the organisation's `lists` "
        "with as_at in that day and the `late_lists` among them (received after the freeze, "
        "not in the figures). A date after today is 404: no projected figures.",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today")
        ],
        responses={
            200: S1Out,
            400: OpenApiResponse(description="Bad date (names `date`)."),
            404: OpenApiResponse(
                description="A date after today (Europe/London), or before 2000-01-01 "
                "(the earliest time a sitrep may carry)."
            ),
        },
        tags=["discharge"],
    )
    def get(self, request):
        query = S1QueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = local_today(timezone.now())
        day: date = query.validated_data.get("date") or today
        try:
            s1 = s1_for_day(day=day, today=today)
        except S1NoSuchDay as exc:
            raise NotFound(str(exc)) from None
        return Response(S1Out(s1).data)


_TIMELINESS_EXAMPLE = {
    "date": "2026-11-23",
    "rows": [
        {
            "organisation": "RWE",
            "discharged": 5,
            "p1_discharged": 3,
            "p1_within_1_day_pct": 66.7,
            "p2_p3_discharged": 2,
            "p2_p3_within_2_days_pct": 50.0,
            "before_17_pct": 60.0,
            "p0_discharged": 0,
            "p0_before_17_pct": None,
        }
    ],
    "total": {
        "organisation": "TOTAL",
        "discharged": 5,
        "p1_discharged": 3,
        "p1_within_1_day_pct": 66.7,
        "p2_p3_discharged": 2,
        "p2_p3_within_2_days_pct": 50.0,
        "before_17_pct": 60.0,
        "p0_discharged": 0,
        "p0_before_17_pct": None,
    },
}


class TimelinessView(APIView):
    @extend_schema(
        summary="Discharge timeliness of a local day, per organisation and pooled",
        description="Over patients discharged that Europe/London day (a patient leaves an MOFD "
        "list in the `discharged` part of a later list; a later list naming the same ref "
        "corrects the time): % of P1 discharged within 1 day of their MOFD date (target 90%), "
        "% of P2/P3 within 2 days (target 85%), % of all discharges before 17:00 local "
        "(target 65%, set for simple discharges; P0's own share as `p0_before_17_pct`). The "
        "pathway is the one on the patient's last list; a patient never on an earlier list "
        "counts in `discharged` and `before_17_pct` only. Percentages one decimal, half up; "
        '`null` when the group is empty. Definitions: DOMAIN.md "Discharge timeliness".',
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today")
        ],
        responses={
            200: TimelinessOut,
            400: OpenApiResponse(description="Malformed date (names `date`)."),
            404: OpenApiResponse(description="A date after today."),
        },
        examples=[OpenApiExample("DOMAIN.md worked example", value=_TIMELINESS_EXAMPLE)],
        tags=["discharge"],
    )
    def get(self, request):
        query = S1QueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = local_today(timezone.now())
        day: date = query.validated_data.get("date") or today
        if day > today:
            raise NotFound("No figures for a date after today.")
        return Response(TimelinessOut(discharge_timeliness(day=day)).data)
