from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_date

from ..response_selectors import response_daily
from .response_serializers import ResponseDailyOut, ResponseDailyQuery

_EMPTY = {"incidents": 0, "mean_response_s": None, "p90_response_s": None}
_EXAMPLE = {
    "date": "2026-11-23",
    "organisations": [
        {
            "organisation": "RX9",
            "categories": {
                "1": {"incidents": 41, "mean_response_s": 452, "p90_response_s": 861},
                "2": {"incidents": 312, "mean_response_s": 1923, "p90_response_s": 4210},
                "3": {"incidents": 198, "mean_response_s": 5120, "p90_response_s": 11820},
                "4": {"incidents": 22, "mean_response_s": 6305, "p90_response_s": 12900},
            },
        },
        {"organisation": "RYA", "categories": {str(c): _EMPTY for c in range(1, 5)}},
    ],
    "total": {
        "categories": {
            "1": {"incidents": 41, "mean_response_s": 452, "p90_response_s": 861},
            "2": {"incidents": 312, "mean_response_s": 1923, "p90_response_s": 4210},
            "3": {"incidents": 198, "mean_response_s": 5120, "p90_response_s": 11820},
            "4": {"incidents": 22, "mean_response_s": 6305, "p90_response_s": 12900},
        }
    },
}


class ResponseDailyView(APIView):
    @extend_schema(
        summary="Ambulance response per service and category for a local day",
        description=(
            "Ambulance Response Programme (ARP) figures. One row per ambulance service (with "
            "or without incidents) and the total pooled over every incident. Incidents belong "
            "to the Europe/London day of their ARP clock start (23 or 25 hours on clock-change "
            "days); figures are over incidents with a clock stop (`at_scene_at`): `incidents`, "
            "`mean_response_s` (whole seconds, half up) and `p90_response_s` (nearest rank), "
            "null when none. Stood-down incidents are left out. A future date is 404."
        ),
        parameters=[ResponseDailyQuery],
        responses={
            200: ResponseDailyOut,
            400: OpenApiResponse(description="Invalid date: the error names the parameter."),
            404: OpenApiResponse(description="A date after today (local)."),
        },
        examples=[OpenApiExample("A day of RX9", value=_EXAMPLE, response_only=True)],
        tags=["ambulance"],
    )
    def get(self, request):
        query = ResponseDailyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        today = local_date(now)
        day = query.validated_data.get("date") or today
        if day > today:
            raise Http404("No figures for a future date.")
        return Response(ResponseDailyOut(response_daily(day=day)).data)
