from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_today

from ..selectors import S1NoSuchDay, s1_for_day
from .serializers import S1Out


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
