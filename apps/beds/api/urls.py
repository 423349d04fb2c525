from django.urls import path

from apps.sitreps.api.views import sitrep_view
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
    "keep their last state.",
)

urlpatterns = [
    path("sitreps/beds/", BedSitrepView.as_view(), name="sitreps-beds"),
    path("estate/", EstateView.as_view(), name="estate"),
    path("sites/<str:code>/", SiteStateView.as_view(), name="site-state"),
]
