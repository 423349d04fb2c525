from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import MofdListAcceptedOut, MofdListIn
from .views import S1View, TimelinessView

DischargeSitrepView = sitrep_view(
    kind=SitrepKind.DISCHARGE,
    request=MofdListIn,
    response=MofdListAcceptedOut,
    summary="An organisation's complete MOFD list at as_at",
    description="Patients absent from the previous list have left it at as_at. The same "
    "(organisation, as_at) again corrects that list; an older list than the latest held is "
    "archived and kept in history but does not replace the current list.",
    examples=sitrep_examples(
        name="A list of one patient and one discharge",
        request={
            "organisation": "RWE",
            "as_at": "2026-11-23T08:00:00+00:00",
            "patients": [
                {
                    "ref": "A1B2C3",
                    "nhs_number": "9434765919",
                    "site": "RWE-LRI",
                    "ward": "LRI-W22",
                    "mofd_on": "2026-11-19",
                    "pathway": "P1",
                    "planned_discharge_on": None,
                    "delay_reason": "awaiting_homecare",
                }
            ],
            "discharged": [{"ref": "Z9Y8X7", "discharged_at": "2026-11-22T15:30:00+00:00"}],
        },
        response={
            "submission": 4024,
            "list": 311,
            "patients": 1,
            "discharged": 1,
            "replaced": False,
            "current": True,
        },
    ),
)

urlpatterns = [
    path("sitreps/discharge/", DischargeSitrepView.as_view(), name="sitreps-discharge"),
    path("s1/", S1View.as_view(), name="s1"),
    path("discharge/timeliness/", TimelinessView.as_view(), name="discharge-timeliness"),
]
