from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import VirtualWardCensusIn, VirtualWardCensusOut

VirtualWardCensusView = sitrep_view(
    kind=SitrepKind.VIRTUAL_WARDS.value,
    request=VirtualWardCensusIn,
    response=VirtualWardCensusOut,
    summary="Virtual-ward census (the owning organisation only)",
    description="Capacity and occupied of some of the organisation's virtual wards at `as_at`. "
    "Counts are whole numbers ≥ 0; occupied may exceed capacity (over capacity). The same "
    "(ward, as_at) again is a correction; a census older than the one held is kept as history "
    "but does not replace it.",
    examples=sitrep_examples(
        name="Census of one virtual ward",
        request={
            "as_at": "2026-11-23T08:00:00+00:00",
            "wards": [{"ward": "VW-FRAILTY", "capacity": 20, "occupied": 14}],
        },
        response={"submission": 4023, "wards": [{"ward": "VW-FRAILTY", "current": True}]},
    ),
)

urlpatterns = [
    path(
        "sitreps/virtual-wards/",
        VirtualWardCensusView.as_view(),
        name="sitreps-virtual-wards",
    ),
]
