from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

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

urlpatterns = [
    path("sitreps/handovers/", HandoversSitrepView.as_view(), name="sitreps-handovers"),
    path("handovers/daily/", HandoversDailyView.as_view(), name="handovers-daily"),
]
