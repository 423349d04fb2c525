"""Input (shape only) and output serializers of the calls and actions API (API.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from apps.board.api.serializers import BoardOut
from apps.core.serializers import KnownFieldsSerializer

from ..choices import ActionFilter, ActionScopeKind, ActionStatus, CallKind


class AwareTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; a naive time is refused (never localised silently), and so is
    one before ``settings.SCC_SITREP_EARLIEST`` or more than ``MAX_AHEAD`` (a year) after
    now: an SCC action is due within hours or weeks, and near year 1 or 9999 the time cannot
    even be turned into UTC (it was a 500)."""

    MAX_AHEAD = timedelta(days=366)
    default_error_messages = {
        "naive": "Give the time with an offset, e.g. 2026-11-23T16:00:00+00:00.",
        "past": "This time is before {earliest}.",
        "ahead": "This time is more than a year ahead.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", None)
        super().__init__(**kwargs)

    def enforce_timezone(self, value):
        return value

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if timezone.is_naive(parsed):
            self.fail("naive")
        earliest = datetime.fromisoformat(settings.SCC_SITREP_EARLIEST)
        try:
            utc = parsed.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:59-12:00 or 0001-01-01T00:00+05:00: no UTC time
            utc = None
        if (utc is None and parsed.year < earliest.year) or (utc is not None and utc < earliest):
            self.fail("past", earliest=earliest.isoformat())
        if utc is None or utc - (self.context.get("now") or timezone.now()) > self.MAX_AHEAD:
            self.fail("ahead")
        return utc


# --------------------------------------------------------------------------- in


class DeclarationIn(KnownFieldsSerializer):
    organisation = serializers.CharField(max_length=16)
    opel = serializers.IntegerField(min_value=1, max_value=4, allow_null=True)
    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class CallIn(KnownFieldsSerializer):
    kind = serializers.ChoiceField(choices=CallKind.choices)
    chair = serializers.CharField(max_length=200)
    notes = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    declarations = DeclarationIn(many=True, required=False, default=list)


class ActionIn(KnownFieldsSerializer):
    text = serializers.CharField(max_length=2000)
    owner_organisation = serializers.CharField(max_length=16)
    owner_name = serializers.CharField(max_length=200)
    due_at = AwareTimeField(
        help_text="ISO 8601 with an offset; a past time is allowed (not before 2000-01-01), "
        "at most a year ahead."
    )
    scope = serializers.CharField(
        max_length=32,
        allow_null=True,
        allow_blank=True,
        required=False,
        default=None,
        help_text="A site code, an organisation code, or `system`; null: no scope (no effect).",
    )
    alert = serializers.IntegerField(allow_null=True, required=False, default=None)
    call = serializers.IntegerField(allow_null=True, required=False, default=None)


class ActionEndIn(KnownFieldsSerializer):
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")


class ActionsQueryIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionFilter.choices, required=False)
    owner = serializers.CharField(max_length=16, required=False)
    limit = serializers.IntegerField(min_value=1, max_value=5000, default=500)


# --------------------------------------------------------------------------- out


EFFECT_FIGURES_HELP = (
    "The scope's headline figures at one moment, by name; only those of its kind of scope appear: "
    "site: ga_occupancy_pct, longest_ambulance_wait_min, ed_four_hour_pct; organisation: "
    "mofd_p1_p3; ambulance organisation: c2_mean_response_s; system: the four pooled. A null "
    "value: no data at that moment. The whole object is null when not reached (or no scope)."
)


def _effect_figures(**kwargs):
    return serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        allow_null=True,
        help_text=EFFECT_FIGURES_HELP,
        **kwargs,
    )


class EffectOut(serializers.Serializer):
    at_created = _effect_figures()
    at_done = _effect_figures()
    after_4h = _effect_figures()
    after_24h = _effect_figures()


class ActionOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    owner_organisation = serializers.CharField()
    owner_name = serializers.CharField()
    due_at = serializers.DateTimeField()
    scope = serializers.CharField(allow_null=True)
    scope_kind = serializers.ChoiceField(choices=ActionScopeKind.choices, allow_null=True)
    alert = serializers.IntegerField(allow_null=True)
    call = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    overdue = serializers.BooleanField(help_text="Open and now strictly after due_at.")
    overdue_at = serializers.DateTimeField(
        allow_null=True, help_text="When the overdue check first found it past due."
    )
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.CharField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancelled_by = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    effect = EffectOut()


class DeclarationOut(serializers.Serializer):
    organisation = serializers.CharField()
    opel = serializers.IntegerField(allow_null=True)
    computed_opel = serializers.IntegerField(
        allow_null=True, help_text="The organisation OPEL the board computed at the call's start."
    )
    comment = serializers.CharField(allow_blank=True)


class CallSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CallKind.choices)
    started_at = serializers.DateTimeField()
    started_by = serializers.CharField()
    chair = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)
    declarations = DeclarationOut(many=True)
    actions = ActionOut(many=True)


class CallOut(CallSummaryOut):
    figures = BoardOut(help_text="The GET /api/v1/board/ document at the call's start.")
