from django.urls import path

from apps.sitreps.api.views import sitrep_view
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
)

IncidentsSitrepView = sitrep_view(
    kind=SitrepKind.INCIDENTS.value,
    request=IncidentsIn,
    response=IncidentsAcceptedOut,
    summary="999 incidents: ARP response times (ambulance services only)",
    description=INCIDENTS_DESCRIPTION,
)
ReapSitrepView = sitrep_view(
    kind=SitrepKind.REAP.value,
    request=ReapIn,
    response=ReapAcceptedOut,
    summary="REAP level declared by an ambulance service (ambulance services only)",
    description=REAP_DESCRIPTION,
)

urlpatterns = [
    path("sitreps/handovers/", HandoversSitrepView.as_view(), name="sitreps-handovers"),
    path("handovers/daily/", HandoversDailyView.as_view(), name="handovers-daily"),
    path("sitreps/incidents/", IncidentsSitrepView.as_view(), name="sitreps-incidents"),
    path("sitreps/reap/", ReapSitrepView.as_view(), name="sitreps-reap"),
    path("ambulance/response/daily/", ResponseDailyView.as_view(), name="ambulance-response-daily"),
]
