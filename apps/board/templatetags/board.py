"""Presentation helpers for board pages: status words and classes, never colour alone."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def occupancy_status(pct: float | None) -> str:
    """ok / amber / red against the 92% standard and the 95% red line (DOMAIN.md)."""
    if pct is None:
        return "unknown"
    if pct >= 95:
        return "red"
    if pct >= 92:
        return "amber"
    return "ok"


@register.filter
def wait_status(minutes: int | None) -> str:
    if not minutes:
        return "ok"
    if minutes > 45:
        return "red"
    if minutes > 30:
        return "amber"
    return "ok"


@register.filter
def utilisation_status(pct: float | None) -> str:
    if pct is None:
        return "unknown"
    return "ok" if pct >= 80 else "amber"


@register.filter
def opel_status(level: int | None) -> str:
    return {None: "unknown", 1: "ok", 2: "ok", 3: "amber", 4: "red"}.get(level, "unknown")


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
def age_minutes(when: datetime | None) -> int | None:
    if when is None:
        return None
    return int((timezone.now() - when).total_seconds() // 60)


@register.filter
def age(when: datetime | None) -> str:
    minutes = age_minutes(when)
    if minutes is None:
        return "never reported"
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h {minutes % 60:02d} min ago"


@register.filter
def staleness(when: datetime | None) -> str:
    """DOMAIN.md stale_bed_sitrep: over 4 h amber, over 8 h red."""
    minutes = age_minutes(when)
    if minutes is None:
        return "unknown"
    if minutes > 8 * 60:
        return "red"
    if minutes > 4 * 60:
        return "amber"
    return "ok"
