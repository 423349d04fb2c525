from rest_framework import serializers

from apps.sitreps.choices import SitrepKind

from ..choices import FeedFormat


class FeedOut(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="Organisation code.")
    kind = serializers.ChoiceField(choices=SitrepKind.choices)
    url = serializers.CharField(help_text="Any password in the URL is masked.")
    format = serializers.ChoiceField(choices=FeedFormat.choices)
    every_s = serializers.IntegerField(help_text="Pull interval in seconds.")
    enabled = serializers.BooleanField()
    headers = serializers.DictField(
        child=serializers.CharField(), help_text="Extra request header names; values masked."
    )
    last_pulled_at = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(
        allow_null=True, help_text="The current problem; null once a pull succeeds again."
    )
    last_error_at = serializers.DateTimeField(allow_null=True)
    consecutive_failures = serializers.IntegerField()
    next_pull_at = serializers.DateTimeField()
    stale = serializers.BooleanField(
        help_text="No successful pull within 2 * every_s + 60 s (never: since it was added)."
    )
