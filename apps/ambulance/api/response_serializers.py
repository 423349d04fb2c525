"""Shapes of the ambulance response API: the incidents and REAP sitreps (shape only; the
rules are checked by ``sitrep.incidents_sitrep_resolve``), the daily and board figures."""

from __future__ import annotations

from rest_framework import serializers

from apps.sitreps.fields import SitrepTimeField

from ..response_rules import CATEGORIES

INCIDENTS_DESCRIPTION = """
999 incidents of an ambulance service, from its own key only (another organisation's key: 403).
The batch is applied atomically; every invalid item is named (`incidents.<n>.<field>`).

Each item states what is known of an incident **now**. The natural key is (organisation,
`incident`): a later post fills in or corrects times. A null or absent time (or category) means
"not known in this message" and never clears a value already held; a new value corrects it. A
changed `category` re-judges the incident (its clock start) under the new category.

The ordering rules are checked on the merged record (what is held plus the post), and a post
that would make it invalid is refused whole: `category` 1-4 and `call_connected_at` known;
`call_connected_at` no later than `identified_at` and `dispatched_at`; the clock stop
(`at_scene_at`) not before the clock start; `at_scene_at` and `stood_down_at` not both set.

Clock start (ARP): the earliest of `identified_at`, `dispatched_at` and `call_connected_at`
+ 30 s (category 1) or + 240 s (categories 2-4). Times are truncated to the second. The 201
body lists the local `days` (Europe/London, of clock start) whose figures changed.
""".strip()

REAP_DESCRIPTION = """
The ambulance service's declared REAP level (Resource Escalation Action Plan, 1-4) from
`declared_at`, from its own key only (another organisation's key: 403). Natural key:
(organisation, `declared_at`): the same time again corrects the level. The level in force is
the one of the latest `declared_at` not after now.
""".strip()


class IncidentIn(serializers.Serializer):
    incident = serializers.CharField(max_length=64)
    category = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=4
    )
    call_connected_at = SitrepTimeField(required=False, allow_null=True, default=None)
    identified_at = SitrepTimeField(
        required=False, allow_null=True, default=None, help_text="Category assigned."
    )
    dispatched_at = SitrepTimeField(required=False, allow_null=True, default=None)
    at_scene_at = SitrepTimeField(
        required=False, allow_null=True, default=None, help_text="Clock stop."
    )
    stood_down_at = SitrepTimeField(required=False, allow_null=True, default=None)


class IncidentsIn(serializers.Serializer):
    incidents = IncidentIn(
        many=True,
        allow_empty=False,
        max_length=5000,
        help_text="1 to 5,000 incidents per post (an empty or longer list: 400).",
    )


class IncidentsAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    incidents = serializers.IntegerField(help_text="Incidents written (created or filled in).")
    days = serializers.ListField(
        child=serializers.DateField(),
        help_text="Local days (Europe/London) of clock start whose figures this post changed.",
    )


class ReapIn(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=4)
    declared_at = SitrepTimeField()


class ReapAcceptedOut(serializers.Serializer):
    submission = serializers.IntegerField()
    level = serializers.IntegerField()
    declared_at = serializers.DateTimeField()


class CategoryDayOut(serializers.Serializer):
    incidents = serializers.IntegerField(help_text="Incidents with a clock stop.")
    mean_response_s = serializers.IntegerField(
        allow_null=True, help_text="Mean response, whole seconds half up; null when none."
    )
    p90_response_s = serializers.IntegerField(
        allow_null=True, help_text="90th centile (nearest rank), seconds; null when none."
    )


class CategoriesOut(serializers.Serializer):
    """Keys "1" to "4": the ARP categories."""

    def get_fields(self):
        return {str(c): CategoryDayOut() for c in CATEGORIES}


class ResponseOrganisationDayOut(serializers.Serializer):
    organisation = serializers.CharField()
    categories = CategoriesOut()


class ResponseTotalOut(serializers.Serializer):
    categories = CategoriesOut(help_text="Pooled over every incident of every organisation.")


class ResponseDailyOut(serializers.Serializer):
    date = serializers.DateField()
    organisations = ResponseOrganisationDayOut(many=True)
    total = ResponseTotalOut()


class ResponseDailyQuery(serializers.Serializer):
    date = serializers.DateField(required=False, help_text="Local day; default today.")


class ReapOut(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=4)
    declared_at = serializers.DateTimeField()


class CategoryLiveOut(serializers.Serializer):
    mean_response_s_today = serializers.IntegerField(
        allow_null=True, help_text="Today's mean response (local day of clock start), seconds."
    )
    p90_response_s_today = serializers.IntegerField(
        allow_null=True, help_text="Today's 90th centile response (nearest rank), seconds."
    )
    incidents_today = serializers.IntegerField(help_text="Today's incidents with a clock stop.")
    waiting_now = serializers.IntegerField(
        help_text="Clock started, no clock stop, not stood down (within 24 h of clock start)."
    )
    longest_wait_s = serializers.IntegerField(
        allow_null=True, help_text="The longest of those waits to now, seconds; null: none."
    )


class CategoriesLiveOut(serializers.Serializer):
    """Keys "1" to "4": the ARP categories."""

    def get_fields(self):
        return {str(c): CategoryLiveOut() for c in CATEGORIES}


class ServiceResponseOut(serializers.Serializer):
    """One ambulance service on the board (``system.ambulance_response``)."""

    organisation = serializers.CharField()
    reap = ReapOut(allow_null=True, help_text="REAP level in force; null: none declared.")
    categories = CategoriesLiveOut()
