from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import IsProviderKey, api_key_of

from ..services import sitrep_ingest

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Held by an accepted (201) submission only. Same key and body: the first "
    "answer again, nothing applied twice. Same key, different body: 409. A refused submission "
    "(400, 403) holds no key: the corrected body may reuse it. At most 200 printable ASCII "
    "characters (a longer key, or other characters, is 400; never cut).",
)
_DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})

INVALID_EXAMPLE = OpenApiExample(
    "Invalid item (400)",
    summary="An invalid item is named by its path; nothing of the submission is applied",
    value={"wards": {"1": {"counts": {"non_field_errors": ["LRI-W23: 10 occupied + ..."]}}}},
    response_only=True,
    status_codes=["400"],
)


def sitrep_examples(
    *, request: dict, response: dict, name: str = "Example", description: str = ""
) -> list[OpenApiExample]:
    """A kind's example request body and the ``201`` it is answered with (OpenAPI examples)."""
    return [
        OpenApiExample(name, value=request, request_only=True, description=description),
        OpenApiExample(f"{name} accepted (201)", value=response, response_only=True,
                       status_codes=["201"]),
    ]  # fmt: skip


class SitrepView(APIView):
    """POST a sitrep of ``kind``. The body is read raw so that it is archived as received."""

    kind: str = ""
    permission_classes = [IsProviderKey]
    parser_classes = [JSONParser]  # for the schema; the ingest reads ``request.body`` itself

    def post(self, request, *args, **kwargs):
        key = api_key_of(request)
        result = sitrep_ingest(
            kind=self.kind,
            body=request.body,
            organisation=key.organisation,
            api_key=key,
            idempotency_key=request.headers.get("Idempotency-Key"),
        )
        response = Response(result.body, status=result.status)
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def sitrep_view(
    *,
    kind: str,
    request: type[serializers.Serializer],
    response: type[serializers.Serializer],
    summary: str,
    description: str = "",
    examples: list[OpenApiExample] = (),
) -> type[SitrepView]:
    """A documented POST endpoint for one kind of sitrep (same ingest path for all kinds).

    ``examples``: the kind's request and ``201`` bodies (``sitrep_examples``); the generic
    ``400`` example (an item named by its field path) is added to every kind.
    """

    class View(SitrepView):
        @extend_schema(
            operation_id=f"sitreps_{kind}_create",
            summary=summary,
            description=description,
            request=request,
            parameters=[IDEMPOTENCY_KEY],
            examples=[*examples, INVALID_EXAMPLE],
            responses={
                201: response,
                400: OpenApiResponse(
                    OpenApiTypes.OBJECT,
                    description="Invalid: field errors name each bad item; nothing applied. "
                    "A field this sitrep does not define is refused, named as an unknown field "
                    "(sitreps take no personal details), and its value is not kept.",
                ),
                401: OpenApiResponse(_DETAIL, description="No or bad API key."),
                403: OpenApiResponse(_DETAIL, description="Not this organisation's to report."),
                409: OpenApiResponse(
                    _DETAIL,
                    description="Idempotency-Key of an accepted submission reused with "
                    "another body.",
                ),
            },
            tags=["sitreps"],
        )
        def post(self, request, *args, **kwargs):
            return super().post(request, *args, **kwargs)

    View.kind = kind
    View.__name__ = View.__qualname__ = f"{kind.title().replace('_', '')}SitrepView"
    return View
