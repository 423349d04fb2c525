"""Calls and actions API (API.md "System calls and actions"): writes by staff sessions of any
role, reads by staff and any key. A key that writes gets 403; no credentials 401."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import IsKeyOrStaff, IsStaffSession

from .. import services
from ..models import Action, SystemCall
from ..selectors import action_out, actions_list, call_get, call_out, calls_list
from .serializers import (
    ActionEndIn,
    ActionIn,
    ActionOut,
    ActionsQueryIn,
    CallIn,
    CallOut,
    CallSummaryOut,
)

ALREADY_ENDED = "This action is already {status}: it can be done or cancelled only once."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."
    default_code = "conflict"


class StaffWritesKeysRead:
    """GET for any key or staff session; every other method for staff sessions only."""

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [IsKeyOrStaff()]
        return [IsKeyOrStaff(), IsStaffSession()]


CALL_EXAMPLE = OpenApiExample(
    "Routine call",
    value={
        "kind": "routine",
        "chair": "SCC duty manager",
        "notes": "ED busy at the LRI; two wards closed for norovirus.",
        "declarations": [
            {"organisation": "RWE", "opel": 3, "comment": "ED crowded, 14 DTAs"},
            {"organisation": "RT5", "opel": 2, "comment": ""},
        ],
    },
    request_only=True,
)
ACTION_EXAMPLE = OpenApiExample(
    "Action on a site",
    value={
        "text": "Open 4 escalation beds on ward 22",
        "owner_organisation": "RWE",
        "owner_name": "LRI site manager",
        "due_at": "2026-11-23T16:00:00+00:00",
        "scope": "RWE-LRI",
        "alert": None,
        "call": 12,
    },
    request_only=True,
)
NOTE_EXAMPLE = OpenApiExample(
    "Note", value={"note": "Beds open and staffed from 15:40."}, request_only=True
)
STAFF_ONLY = OpenApiResponse(description="A provider key: writes are for staff sessions")


class CallListView(StaffWritesKeysRead, APIView):
    @extend_schema(
        responses=CallSummaryOut(many=True),
        summary="System calls, newest first (without the frozen figures)",
    )
    def get(self, request):
        calls = calls_list().prefetch_related(
            "declarations__organisation",
            Prefetch(
                "actions",
                queryset=Action.objects.select_related(
                    "owner_organisation", "created_by", "done_by", "cancelled_by"
                ),
            ),
        )[:200]
        now = timezone.now()
        return Response(
            CallSummaryOut(
                [call_out(c, now=now, with_figures=False) for c in calls], many=True
            ).data
        )

    @extend_schema(
        request=CallIn,
        examples=[CALL_EXAMPLE],
        responses={
            201: CallOut,
            400: OpenApiResponse(description="Field errors naming the item"),
            403: STAFF_ONLY,
        },
        summary="Start a system call (staff): the board is frozen as its figures",
        description=(
            "Each declaration is kept beside the organisation OPEL the board computes now "
            "(`computed_opel`). `figures` is the `GET /api/v1/board/` document at the start."
        ),
    )
    def post(self, request):
        body = CallIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        # An unknown or repeated organisation: ApplicationError, answered 400 by the handler.
        call = services.call_start(
            user=request.user,
            kind=data["kind"],
            chair=data["chair"],
            notes=data["notes"],
            declarations=[services.DeclarationIn(**d) for d in data["declarations"]],
            request=request._request,
        )
        now = timezone.now()
        return Response(
            CallOut(call_out(call_get(pk=call.pk), now=now)).data, status=status.HTTP_201_CREATED
        )


class CallDetailView(APIView):
    @extend_schema(
        responses={200: CallOut, 404: OpenApiResponse(description="No such call")},
        summary="One system call: declarations, frozen figures, actions",
    )
    def get(self, request, pk: int):
        try:
            call = call_get(pk=pk)
        except SystemCall.DoesNotExist as exc:
            raise exceptions.NotFound("No such call.") from exc
        return Response(CallOut(call_out(call, now=timezone.now())).data)


class ActionListView(StaffWritesKeysRead, APIView):
    @extend_schema(
        parameters=[ActionsQueryIn],
        responses={200: ActionOut(many=True), 400: OpenApiResponse(description="Bad filter")},
        summary="Actions by status and owner organisation",
        description=(
            "`open`: open (overdue included), by due time; `overdue`: open and past due now; "
            "`done`, `cancelled`: newest first; no status: all, newest first. At most `limit`."
        ),
    )
    def get(self, request):
        query = ActionsQueryIn(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        actions = actions_list(
            now=now,
            status=query.validated_data.get("status"),
            owner=query.validated_data.get("owner"),
        )[: query.validated_data["limit"]]
        return Response(ActionOut([action_out(a, now=now) for a in actions], many=True).data)

    @extend_schema(
        request=ActionIn,
        examples=[ACTION_EXAMPLE],
        responses={
            201: ActionOut,
            400: OpenApiResponse(description="Field errors (e.g. a naive due_at, unknown scope)"),
            403: STAFF_ONLY,
        },
        summary="Record an action (staff)",
        description=(
            "`effect.at_created` holds the scope's headline figures now. A `due_at` in the past "
            "is allowed: the action is overdue at once."
        ),
    )
    def post(self, request):
        body = ActionIn(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action = services.action_create(
            user=request.user,
            text=data["text"],
            owner_organisation=data["owner_organisation"],
            owner_name=data["owner_name"],
            due_at=data["due_at"],
            scope=data["scope"],
            alert_id=data["alert"],
            call_id=data["call"],
            request=request._request,
        )
        action = actions_list(now=timezone.now()).get(pk=action.pk)
        return Response(
            ActionOut(action_out(action, now=timezone.now())).data, status=status.HTTP_201_CREATED
        )


class _ActionEndView(APIView):
    permission_classes = [IsKeyOrStaff, IsStaffSession]
    end = staticmethod(services.action_done)

    def post(self, request, pk: int):
        body = ActionEndIn(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            self.end(
                action_id=pk,
                user=request.user,
                note=body.validated_data["note"],
                request=request._request,
            )
        except Action.DoesNotExist as exc:
            raise exceptions.NotFound("No such action.") from exc
        except services.ActionNotOpen as exc:
            current = Action.objects.values_list("status", flat=True).get(pk=pk)
            raise Conflict(ALREADY_ENDED.format(status=current)) from exc
        now = timezone.now()
        return Response(ActionOut(action_out(actions_list(now=now).get(pk=pk), now=now)).data)


END_RESPONSES = {
    200: ActionOut,
    403: STAFF_ONLY,
    404: OpenApiResponse(description="No such action"),
    409: OpenApiResponse(description="Already done or cancelled"),
}


class ActionDoneView(_ActionEndView):
    end = staticmethod(services.action_done)

    @extend_schema(
        request=ActionEndIn,
        examples=[NOTE_EXAMPLE],
        responses=END_RESPONSES,
        summary="Mark an open action done (staff); records who, when and the figures now",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)


class ActionCancelView(_ActionEndView):
    end = staticmethod(services.action_cancel)

    @extend_schema(
        request=ActionEndIn,
        examples=[NOTE_EXAMPLE],
        responses=END_RESPONSES,
        summary="Cancel an open action (staff)",
    )
    def post(self, request, pk: int):
        return super().post(request, pk)
