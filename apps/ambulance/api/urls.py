from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

from .response_serializers import (
    INCIDENTS_DESCRIPTION,
    REAP_DESCRIPTION,
    IncidentsAcceptedOut,
    IncidentsIn,
    ReapAcceptedOut,
    ReapIn,
)
from .response_views import ResponseDailyView
from .serializers import HANDOVERS_DESCRIPTION, HandoversAcceptedOut, HandoversIn
from .views import HandoversDailyView

HandoversSitrepView = sitrep_view(
    kind=SitrepKind.HANDOVERS.value,
    request=HandoversIn,
    response=HandoversAcceptedOut,
    summary="Ambulance arrivals and handovers (ambulance services only)",
    description=HANDOVERS_DESCRIPTION,
    examples=sitrep_examples(
        name="Two arrivals, one handed over",
        request={
            "handovers": [
                {
                    "incident": "RX9-000123",
                    "site": "RWE-LRI",
                    "arrived_at": "2026-11-23T07:05:00+00:00",
                    "handover_at": "2026-11-23T07:52:00+00:00",
                    "cleared_at": None,
                    "category": 2,
                },
                {
                    "incident": "RX9-000124",
                    "site": "RWE-GH",
                    "arrived_at": "2026-11-23T07:40:00+00:00",
                    "handover_at": None,
                    "cleared_at": None,
                    "category": 3,
                },
            ]
        },
        response={
            "submission": 4022,
            "handovers": 2,
            "days": ["2026-11-23"],
            "sites": ["RWE-GH", "RWE-LRI"],
        },
    ),
)

IncidentsSitrepView = sitrep_view(
    kind=SitrepKind.INCIDENTS.value,
    request=IncidentsIn,
    response=IncidentsAcceptedOut,
    summary="999 incidents: ARP response times (ambulance services only)",
    description=INCIDENTS_DESCRIPTION,
    examples=sitrep_examples(
        name="A C2 incident, dispatched, not yet at scene",
        request={
            "incidents": [
                {
                    "incident": "RX9-2026-000123",
                    "category": 2,
                    "call_connected_at": "2026-11-23T07:00:00+00:00",
                    "identified_at": "2026-11-23T07:02:10+00:00",
                    "dispatched_at": "2026-11-23T07:01:40+00:00",
                    "at_scene_at": None,
                    "stood_down_at": None,
                }
            ]
        },
        response={"submission": 4025, "incidents": 1, "days": ["2026-11-23"]},
    ),
)
ReapSitrepView = sitrep_view(
    kind=SitrepKind.REAP.value,
    request=ReapIn,
    response=ReapAcceptedOut,
    summary="REAP level declared by an ambulance service (ambulance services only)",
    description=REAP_DESCRIPTION,
    examples=sitrep_examples(
        name="REAP level 3 declared",
        request={"level": 3, "declared_at": "2026-11-23T06:00:00+00:00"},
        response={"submission": 4026, "level": 3, "declared_at": "2026-11-23T06:00:00+00:00"},
    ),
)

urlpatterns = [
    path("sitreps/handovers/", HandoversSitrepView.as_view(), name="sitreps-handovers"),
    path("handovers/daily/", HandoversDailyView.as_view(), name="handovers-daily"),
    path("sitreps/incidents/", IncidentsSitrepView.as_view(), name="sitreps-incidents"),
    path("sitreps/reap/", ReapSitrepView.as_view(), name="sitreps-reap"),
    path("ambulance/response/daily/", ResponseDailyView.as_view(), name="ambulance-response-daily"),
]
