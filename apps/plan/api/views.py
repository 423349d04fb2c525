from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_today

from ..metrics import plan_month
from ..rules import month_of, month_parse
from .serializers import PlanMonthOut, PlanQueryIn

_EXAMPLE = {
    "month": "2026-11",
    "rows": [
        {
            "metric": "ed_four_hour_pct",
            "scope": "system",
            "plan": 74.0,
            "actual": None,
            "status": "no_data",
        },
        {
            "metric": "handover_lost_hours",
            "scope": "system",
            "plan": 900.0,
            "actual": 812.5,
            "status": "met",
        },
        {
            "metric": "mofd_p1_p3",
            "scope": "system",
            "plan": 50.0,
            "actual": 61.3,
            "status": "missed",
        },
        {
            "metric": "vw_capacity",
            "scope": "system",
            "plan": 314.0,
            "actual": 300.0,
            "status": "missed",
        },
    ],
}


class PlanView(APIView):
    @extend_schema(
        summary="The operating plan of a month: each metric's plan against actual",
        description="A row per (metric, scope) planned for the month. Actuals come from the "
        "product's own figures: `ga_available_beds` mean adult G&A available beds at 12:00 "
        "local (higher meets); `ed_four_hour_pct` the month's ED departures within 4 hours "
        "(higher meets); `cat2_mean_min` the month's Category 2 mean response in minutes "
        "(lower meets); `handover_lost_hours` the sum over the month's days (lower meets); "
        "`mofd_p1_p3` the mean of the month's frozen S1 P1–P3 totals (lower meets); "
        "`vw_capacity` the capacity at the month's last census (higher meets). A month in "
        "progress is measured over its days so far, today included (local days: a month "
        "spanning a clock change has a 23- or 25-hour day). Equal to plan is met; no actual "
        "is `no_data`. Definitions: DOMAIN.md.",
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.STR, description="YYYY-MM; default the current month"
            )
        ],
        responses={
            200: PlanMonthOut,
            400: OpenApiResponse(description="Malformed month (names `month`)."),
        },
        examples=[OpenApiExample("A month in progress", value=_EXAMPLE)],
        tags=["plan"],
    )
    def get(self, request):
        query = PlanQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        text = query.validated_data.get("month")
        month = month_parse(text) if text else month_of(local_today(now))
        body = plan_month(month=month, now=now)
        return Response(PlanMonthOut({**body, "month": f"{month:%Y-%m}"}).data)
