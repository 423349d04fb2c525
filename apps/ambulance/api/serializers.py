from __future__ import annotations

from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

HANDOVERS_DESCRIPTION = """
Ambulance arrivals at hospital sites, from an ambulance service's key only (another
organisation's key: 403). The batch is applied atomically; every invalid item is named.

An incident is filled in over several posts: posting the same `incident` again merges into
what is held for it. A value given corrects the held one (site, times, category); an omitted or
null `handover_at`, `cleared_at` or `category` means "not known in this message" and never
clears a value already held, so a late, less complete copy (a delayed first message) changes
nothing it does not state. The rules below are checked on the merged record: a post that would
make it invalid (e.g. a clear before the handover already held) is refused naming the item, and
nothing of the batch is applied.

Rules: `arrived_at ≤ handover_at ≤ cleared_at` (a crew may clear without a handover);
`handover_at` at most 24 hours after `arrived_at`; `site` a hospital site (a site of an acute
trust); an incident at most once per batch; `category` 1-5 when given; times with an offset and
not more than 5 minutes in the future.

A crew still waiting (no `handover_at`, not cleared) accrues lost time until handed over, for
at most 24 hours after arrival. The 201 body also lists the local `days` whose figures the
submission changed.
""".strip()


class HandoverIn(serializers.Serializer):
    incident = serializers.CharField(max_length=64)
    site = serializers.CharField(max_length=32, help_text="Hospital site code, e.g. RWE-LRI.")
    arrived_at = SitrepTimeField()
    handover_at = SitrepTimeField(required=False, allow_null=True, default=None)
    cleared_at = SitrepTimeField(required=False, allow_null=True, default=None)
    category = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=5
    )


class HandoversIn(serializers.Serializer):
    """A batch of ambulance arrivals: the shape. The checks against the estate and the times'
    rules are ``apps.ambulance.sitrep.handovers_sitrep_resolve``."""

    handovers = HandoverIn(many=True, allow_empty=False, max_length=5000)


class HandoversAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    handovers = serializers.IntegerField(help_text="Incidents written (created or corrected).")
    days = serializers.ListField(
        child=serializers.DateField(),
        help_text="Local days (Europe/London) whose handover figures this submission changed.",
    )
    sites = serializers.ListField(
        child=serializers.CharField(),
        help_text="Hospital sites whose handover figures this submission changed (where the "
        "arrivals are, and where corrected ones were before).",
    )


class HandoversLiveOut(serializers.Serializer):
    """A site's (or the system's) ambulance handovers now and today (DOMAIN.md)."""

    waiting_now = serializers.IntegerField()
    longest_wait_min = serializers.IntegerField()
    arrivals_today = serializers.IntegerField()
    mean_handover_min_today = serializers.FloatField(allow_null=True)
    over_30_today = serializers.IntegerField()
    over_60_today = serializers.IntegerField()
    lost_hours_today = serializers.FloatField()


class HandoverDayOut(serializers.Serializer):
    site = serializers.CharField(help_text='Site code; "TOTAL" for the total row.')
    arrivals = serializers.IntegerField()
    handed_over = serializers.IntegerField()
    mean_handover_min = serializers.FloatField(
        allow_null=True, help_text="Over handed-over arrivals; null when none."
    )
    over_15 = serializers.IntegerField()
    over_30 = serializers.IntegerField()
    over_60 = serializers.IntegerField()
    lost_hours = serializers.FloatField(
        help_text="Σ max(0, handover minutes - the 15-minute standard) / 60; two decimals."
    )


class HandoversDailyOut(serializers.Serializer):
    date = serializers.DateField()
    sites = HandoverDayOut(many=True)
    total = HandoverDayOut()


class HandoversDailyQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Local day; default today.")
