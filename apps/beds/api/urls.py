from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import BedSitrepIn, BedSitrepOut
from .views import EstateView, SiteStateView

BedSitrepView = sitrep_view(
    kind=SitrepKind.BEDS,
    request=BedSitrepIn,
    response=BedSitrepOut,
    summary="Bed state of one site (bed list or counts per ward)",
    description="Acute, community and mental-health organisations, for their own sites. "
    "Natural key (ward, as_at): the same again is a correction; an older as_at than held is "
    "archived in the ward's history but does not change its current state. Wards not named "
    "keep their last state. Counts must account for every core bed: occupied + vacant - "
    "escalation_open + closed = the ward's core beds.",
    examples=[
        *sitrep_examples(
            name="Bed list and counts",
            description="A bed list names every core bed of its ward (missing ones are a 400): "
            "LRI-W22 has 28 core beds. LRI-W23 (28 core, 4 escalation beds) as counts: "
            "26 + 3 - 2 + 1 = 28. Valid against the demo estate (demo/llr_estate.json).",
            request={
                "site": "RWE-LRI",
                "as_at": "2026-11-23T08:00:00+00:00",
                "wards": [
                    {
                        "ward": "LRI-W22",
                        "beds": [
                            {"bed": f"LRI-W22-B{n:02d}", "status": status}
                            for n, status in enumerate(
                                ["occupied"] * 25 + ["vacant"] * 2 + ["closed"], start=1
                            )
                        ],
                    },
                    {
                        "ward": "LRI-W23",
                        "counts": {"occupied": 26, "vacant": 3, "closed": 1, "escalation_open": 2},
                    },
                ],
            },
            response={
                "submission": 4021,
                "site": "RWE-LRI",
                "as_at": "2026-11-23T08:00:00+00:00",
                "wards": [
                    {"ward": "LRI-W22", "current": True},
                    {"ward": "LRI-W23", "current": True},
                ],
            },
        )
    ],
)

urlpatterns = [
    path("sitreps/beds/", BedSitrepView.as_view(), name="sitreps-beds"),
    path("estate/", EstateView.as_view(), name="estate"),
    path("sites/<str:code>/", SiteStateView.as_view(), name="site-state"),
]
