from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_today

from ..selectors import handovers_daily
from .serializers import HandoversDailyOut, HandoversDailyQuery


class HandoversDailyView(APIView):
    @extend_schema(
        summary="Handover figures per hospital site for a local day",
        description=(
            "One row per hospital site (sites of acute trusts, with or without arrivals) for "
            "arrivals on that Europe/London day, and the total. Lost time counts minutes beyond "
            "the 15-minute handover standard; crews still waiting count up to now."
        ),
        parameters=[HandoversDailyQuery],
        responses={
            200: HandoversDailyOut,
            400: OpenApiResponse(description="Invalid date: the error names the parameter."),
            404: OpenApiResponse(description="A date after today (Europe/London)."),
        },
        tags=["handovers"],
    )
    def get(self, request):
        query = HandoversDailyQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        today = local_today(now)
        day = query.validated_data.get("date") or today
        if day > today:
            raise NotFound(f"The figures of {day.isoformat()} do not exist yet.")
        return Response(HandoversDailyOut(handovers_daily(day=day, now=now)).data)
