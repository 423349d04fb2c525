from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import api_key_of

from ..selectors import feeds_list
from .serializers import FeedOut


class FeedListView(APIView):
    @extend_schema(
        responses=FeedOut(many=True),
        summary="Pulled feeds and how their last pulls went",
        description="Staff see every feed; a provider key sees its own organisation's.",
        tags=["feeds"],
    )
    def get(self, request):
        key = api_key_of(request)
        rows = feeds_list(organisation=key.organisation if key else None, now=timezone.now())
        return Response(FeedOut(rows, many=True).data)
