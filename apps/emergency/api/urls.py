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
        name="An arrival with its decision to admit, still in the department",
        request={
            "attendances": [
                {
                    "attendance": "LRI-ED-000123",
                    "site": "RWE-LRI",
                    "department_type": 1,
                    "arrived_at": "2026-11-23T07:05:00+00:00",
                    "decision_to_admit_at": "2026-11-23T09:40:00+00:00",
                    "departed_at": None,
                    "disposition": None,
                }
            ]
        },
        response={
            "submission": 4031,
            "attendances": 1,
            "days": ["2026-11-23"],
            "sites": ["RWE-LRI"],
        },
    ),
)

urlpatterns = [
    path("sitreps/emergency/", EmergencySitrepView.as_view(), name="sitreps-emergency"),
    path("emergency/daily/", EmergencyDailyView.as_view(), name="emergency-daily"),
]
