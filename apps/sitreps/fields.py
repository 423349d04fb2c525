"""Serializer fields shared by every sitrep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers


class SitrepTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; a naive time, one too far in the future or one before
    ``settings.SCC_SITREP_EARLIEST`` (no sitrep describes it; near year 1 the local day of a time
    cannot even be worked out) is refused.

    ``now`` comes from the serializer context so rules and tests never read the clock here.
    """

    default_error_messages = {
        "naive": "Give the time with an offset, e.g. 2026-11-23T08:00:00+00:00.",
        "future": "This time is more than {minutes} minutes in the future.",
        "past": "This time is before {earliest}.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", None)
        # The rules in the schema too (API docs), after the field's own words.
        rule = (
            f"ISO 8601 with an offset; not before {settings.SCC_SITREP_EARLIEST[:10]}, not more "
            f"than {settings.SCC_SITREP_MAX_FUTURE_MINUTES} minutes in the future."
        )
        kwargs["help_text"] = f"{kwargs['help_text']} {rule}" if kwargs.get("help_text") else rule
        super().__init__(**kwargs)

    def enforce_timezone(self, value):
        # Keep the offset check ours: DRF would localise a naive value silently.
        return value

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if timezone.is_naive(parsed):
            self.fail("naive")
        earliest = datetime.fromisoformat(settings.SCC_SITREP_EARLIEST)
        if parsed < earliest:
            self.fail("past", earliest=earliest.isoformat())
        now = self.context.get("now") or timezone.now()
        limit = timedelta(minutes=settings.SCC_SITREP_MAX_FUTURE_MINUTES)
        if parsed > now + limit:
            self.fail("future", minutes=settings.SCC_SITREP_MAX_FUTURE_MINUTES)
        return parsed.astimezone(UTC)
