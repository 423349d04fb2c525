from django.urls import path

from apps.sitreps.api.views import sitrep_view
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
)

urlpatterns = [
    path("sitreps/discharge/", DischargeSitrepView.as_view(), name="sitreps-discharge"),
    path("s1/", S1View.as_view(), name="s1"),
    path("discharge/timeliness/", TimelinessView.as_view(), name="discharge-timeliness"),
]
