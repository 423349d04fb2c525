"""Presentation helpers for board pages: status words and classes, never colour alone."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from apps.escalation.choices import RuleCode
from apps.escalation.rules import rule_status
from apps.escalation.selectors import rule_thresholds

register = template.Library()


def _status(value: float | None, code: str) -> str:
    if value is None:
        return "unknown"
    spec = rule_thresholds().get(code)
    if spec is None:  # the rule is switched off: no colour to give
        return "ok"
    return rule_status(code, value, spec)


# The thresholds and comparisons are the escalation rules' (DOMAIN.md "Escalation"; data,
# editable in the admin), so a tile turns red exactly when the alert does.
@register.filter
def occupancy_status(pct: float | None) -> str:
    return _status(pct, RuleCode.SITE_OCCUPANCY)


@register.filter
def wait_status(minutes: int | None) -> str:
    return _status(minutes or 0, RuleCode.AMBULANCE_WAIT)


@register.filter
def ed_four_hour_status(pct: float | None) -> str:
    return _status(pct, RuleCode.ED_FOUR_HOUR)


@register.filter
def ed_twelve_hour_status(count: int | None) -> str:
    return _status(count, RuleCode.ED_TWELVE_HOUR)


@register.filter
def utilisation_status(pct: float | None) -> str:
    return _status(pct, RuleCode.VW_UTILISATION)


STATUS_WORDS = {"ok": "OK", "amber": "Warning", "red": "Critical", "unknown": "No data"}
STATUS_ICONS = {"ok": "✓", "amber": "▲", "red": "■", "unknown": "?"}


@register.filter
def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


@register.filter
def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status, "")


@register.filter
def bar_width(pct: float | None) -> str:
    """Width for a bar drawn on a 0–110% scale, so the 92% mark sits inside the bar."""
    if pct is None:
        return "0"
    return f"{min(pct, 110) / 110 * 100:.1f}"


@register.simple_tag
def mark_position(pct: float) -> str:
    return f"{pct / 110 * 100:.1f}"


@register.filter
def age_minutes(when: datetime | None, *, now: datetime | None = None) -> int | None:
    if when is None:
        return None
    return int(((now or timezone.now()) - when).total_seconds() // 60)


def age_text(minutes: int | None) -> str:
    if minutes is None:
        return "never reported"
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h {minutes % 60:02d} min ago"


def staleness_status(minutes: int | None) -> str:
    """An age in minutes against the ``stale_bed_sitrep`` rule (hours)."""
    return _status(None if minutes is None else minutes / 60, RuleCode.STALE_BED_SITREP)


@register.filter
def age(when: datetime | None) -> str:
    return age_text(age_minutes(when))


@register.filter
def staleness(when: datetime | None) -> str:
    """Age of a site's latest bed sitrep against the ``stale_bed_sitrep`` rule (hours)."""
    return staleness_status(age_minutes(when))
