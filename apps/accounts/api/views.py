from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..permissions import api_key_of

WhoamiOut = inline_serializer(
    name="WhoamiOut",
    fields={
        "organisation": serializers.CharField(required=False, help_text="The key's organisation."),
        "kind": serializers.CharField(required=False, help_text="That organisation's kind."),
        "username": serializers.CharField(required=False, help_text="The signed-in staff member."),
        "role": serializers.CharField(required=False, help_text="scc | manager | admin"),
    },
)


class WhoamiView(APIView):
    """The cheapest authenticated answer: who the request acts as (also the bench's baseline)."""

    @extend_schema(
        responses={
            200: WhoamiOut,
            401: OpenApiResponse(description="No or bad API key"),
            403: OpenApiResponse(description="Not signed in"),
        },
        summary="Who this request acts as",
        description=(
            'With an API key: `{"organisation": code, "kind": kind}`. '
            'With a staff session: `{"username": ..., "role": ...}`.'
        ),
    )
    def get(self, request):
        key = api_key_of(request)
        if key is not None:
            return Response({"organisation": key.organisation.code, "kind": key.organisation.kind})
        return Response({"username": request.user.username, "role": request.user.role})
