from django.urls import path

from apps.sitreps.api.views import sitrep_view
from apps.sitreps.choices import SitrepKind

from .serializers import HANDOVERS_DESCRIPTION, HandoversAcceptedOut, HandoversIn
from .views import HandoversDailyView

HandoversSitrepView = sitrep_view(
    kind=SitrepKind.HANDOVERS.value,
    request=HandoversIn,
    response=HandoversAcceptedOut,
    summary="Ambulance arrivals and handovers (ambulance services only)",
    description=HANDOVERS_DESCRIPTION,
)

urlpatterns = [
    path("sitreps/handovers/", HandoversSitrepView.as_view(), name="sitreps-handovers"),
    path("handovers/daily/", HandoversDailyView.as_view(), name="handovers-daily"),
]
