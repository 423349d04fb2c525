from django.urls import path

from apps.sitreps.api.views import sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import EMERGENCY_DESCRIPTION, AttendancesAcceptedOut, AttendancesIn
from .views import EmergencyDailyView

EmergencySitrepView = sitrep_view(
    kind=SitrepKind.EMERGENCY.value,
    request=AttendancesIn,
    response=AttendancesAcceptedOut,
    summary="ED attendances (the organisation that runs the site)",
    description=EMERGENCY_DESCRIPTION,
)

urlpatterns = [
    path("sitreps/emergency/", EmergencySitrepView.as_view(), name="sitreps-emergency"),
    path("emergency/daily/", EmergencyDailyView.as_view(), name="emergency-daily"),
]
