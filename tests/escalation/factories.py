from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.escalation.models import Alert, AlertTransition

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def make_alert(
    *,
    rule: str = "site_occupancy",
    scope: str = "RWE-LRI",
    severity: str = "red",
    raised_min: int = 0,
    closed_min: int | None = None,
    acknowledged_by=None,
    note: str = "",
) -> Alert:
    raised_at = T0 + timedelta(minutes=raised_min)
    alert = Alert.objects.create(
        rule_id=rule,
        scope=scope,
        scope_kind="organisation" if rule == "mofd_p1_p3" else "site",
        severity=severity,
        message=f"{scope}: {rule} {severity}",
        raised_at=raised_at,
        severity_changed_at=raised_at,
        closed_at=None if closed_min is None else T0 + timedelta(minutes=closed_min),
        acknowledged_by=acknowledged_by,
        acknowledged_at=raised_at if acknowledged_by else None,
        acknowledgement_note=note,
    )
    AlertTransition.objects.create(
        alert=alert, kind="raised", severity=severity, at=raised_at, notified_at=raised_at
    )
    return alert
