"""Presentation of ambulance response figures: m:ss text and the colours of the rules."""

from __future__ import annotations

from django import template

from apps.board.templatetags.board import _status
from apps.escalation.choices import RuleCode

from ..response_rules import minutes_text

register = template.Library()


@register.filter
def mmss(seconds: int | None) -> str:
    """Seconds as minutes and seconds, ``m:ss``; an en dash for none."""
    return minutes_text(seconds)


@register.filter
def cat2_status(mean_s: int | None) -> str:
    """The colour of a C2 mean (seconds) by the ``cat2_mean`` rule (minutes), as its alert."""
    return _status(None if mean_s is None else mean_s / 60, RuleCode.CAT2_MEAN)


@register.filter
def reap_declared(services: list[dict] | None, level: int = 4) -> list[dict]:
    """The services whose REAP in force is ``level`` (the board's banner shows REAP 4)."""
    return [s for s in services or [] if s.get("reap") and s["reap"]["level"] == level]
