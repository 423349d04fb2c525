from django.urls import path

from apps.sitreps.api.views import sitrep_examples, sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import EMERGENCY_DESCRIPTION, AttendancesAcceptedOut, AttendancesIn
from .views import EmergencyDailyView

EmergencySitrepView = sitrep_view(
    kind=SitrepKind.EMERGENCY.value,
    request=AttendancesIn,
    response=AttendancesAcceptedOut,
    summary="ED attendances (the organisation that runs the site)",
    description=EMERGENCY_DESCRIPTION,
    examples=sitrep_examples(
        name="An arrival, and a departure filled in",
        request={
            "attendances": [
                {
                    "attendance": "LRI-ED-000123",
                    "site": "RWE-LRI",
                    "department_type": 1,
                    "arrived_at": "2026-11-23T07:05:00+00:00",
                    "decision_to_admit_at": None,
                    "departed_at": None,
                    "disposition": None,
                },
                {
                    "attendance": "LRI-ED-000098",
                    "site": "RWE-LRI",
                    "department_type": 1,
                    "arrived_at": "2026-11-23T03:40:00+00:00",
                    "decision_to_admit_at": "2026-11-23T05:10:00+00:00",
                    "departed_at": "2026-11-23T08:55:00+00:00",
                    "disposition": "admitted",
                },
            ]
        },
        response={
            "submission": 5120,
            "attendances": 2,
            "days": ["2026-11-23"],
            "sites": ["RWE-LRI"],
        },
    ),
)

urlpatterns = [
    path("sitreps/emergency/", EmergencySitrepView.as_view(), name="sitreps-emergency"),
    path("emergency/daily/", EmergencyDailyView.as_view(), name="emergency-daily"),
]
