from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import IsStaffSession

from ..models import Alert
from ..selectors import alert_detail_out, alerts_list
from ..services import AlertNotOpen, EmptyNote, alert_acknowledge
from .serializers import AcknowledgeIn, AlertDetailOut, AlertsQueryIn

CLOSED_MESSAGE = "This alert has closed: there is nothing left to acknowledge."
EMPTY_NOTE_MESSAGE = "Say what was done about the alert."


class AlertListView(APIView):
    @extend_schema(
        parameters=[AlertsQueryIn],
        responses={200: AlertDetailOut(many=True), 400: OpenApiResponse(description="Bad status")},
        summary="Alerts by status, newest first",
        description=(
            "`open`: not yet closed, acknowledged or not; `acknowledged`: open and acknowledged; "
            "`closed`: ended. At most `limit` alerts (default 500)."
        ),
    )
    def get(self, request):
        query = AlertsQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        alerts = alerts_list(status=query.validated_data["status"])[: query.validated_data["limit"]]
        return Response(AlertDetailOut([alert_detail_out(a) for a in alerts], many=True).data)


class AlertAcknowledgeView(APIView):
    permission_classes = [IsStaffSession]

    @extend_schema(
        request=AcknowledgeIn,
        responses={
            200: AlertDetailOut,
            400: OpenApiResponse(description="Empty note, or the alert has closed"),
            403: OpenApiResponse(description="Not a staff session (e.g. a provider key)"),
            404: OpenApiResponse(description="No such alert"),
        },
        summary="Acknowledge an open alert with a note (staff only)",
    )
    def post(self, request, pk: int):
        body = AcknowledgeIn(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            alert = alert_acknowledge(
                alert_id=pk,
                user=request.user,
                note=body.validated_data["note"],
                now=timezone.now(),
                request=request._request,
            )
        except Alert.DoesNotExist as exc:
            raise exceptions.NotFound("No such alert.") from exc
        except AlertNotOpen as exc:
            raise exceptions.ValidationError({"alert": [CLOSED_MESSAGE]}) from exc
        except EmptyNote as exc:
            raise exceptions.ValidationError({"note": [EMPTY_NOTE_MESSAGE]}) from exc
        return Response(AlertDetailOut(alert_detail_out(alert)).data)
