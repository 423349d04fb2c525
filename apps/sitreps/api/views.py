from __future__ import annotations

from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import IsProviderKey, api_key_of

from ..services import sitrep_ingest


class SitrepView(APIView):
    """POST a sitrep of ``kind``. The body is read raw so that it is archived as received."""

    kind: str = ""
    permission_classes = [IsProviderKey]
    parser_classes: list = []

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
