"""Reading the estate and a site's current bed state (any valid key, staff sessions)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from ..estate import estate_out
from ..models import Site
from ..selectors import site_state_out
from .serializers import EstateOut, SiteStateOut


class EstateView(APIView):
    @extend_schema(
        responses=EstateOut,
        summary="The estate: organisations, sites, wards and bed codes",
        description="The estate as the board holds it, in the estate file's shape, so that a "
        "provider's system can map its own codes to the board's.",
    )
    def get(self, request):
        return Response(EstateOut(estate_out()).data)


class SiteStateView(APIView):
    @extend_schema(
        responses={200: SiteStateOut, 404: OpenApiResponse(description="No such site")},
        summary="One site and each ward's current state",
        description="Each ward's latest state (as_at, counts, bed statuses where the ward "
        "reports a bed list) and the site's figures per bed type. Unknown site: 404.",
    )
    def get(self, request, code: str):
        site = Site.objects.select_related("organisation").filter(code=code).first()
        if site is None:
            raise NotFound(f"No site {code}.")
        return Response(SiteStateOut(site_state_out(site=site)).data)
