from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.localtime import local_today

from ..selectors import s1_for_day
from .serializers import S1Out


class S1QueryIn(serializers.Serializer):
    date = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])


class S1View(APIView):
    @extend_schema(
        summary="The daily S1: MOFD patients per organisation and where their plans stand",
        description="Default: today (Europe/London). A past day that has been frozen returns "
        "the frozen figures. Definitions: DOMAIN.md.",
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="YYYY-MM-DD; default today")
        ],
        responses={200: S1Out, 400: OpenApiResponse(description="Bad date (names `date`).")},
        tags=["discharge"],
    )
    def get(self, request):
        query = S1QueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        day: date = query.validated_data.get("date") or local_today(timezone.now())
        return Response(S1Out(s1_for_day(day=day)).data)
