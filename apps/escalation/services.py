"""Writes: evaluate the rules into alerts, acknowledge an alert, send the mail outbox.

Race-safety without locks: the partial unique constraint allows one open alert per (rule,
scope), so a second concurrent raise fails and re-reads; every other change is a conditional
UPDATE whose row count says whether this process made it, and only then is its transition row
written. A decision taken on older figures (an earlier ``now``) never overrides a newer one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.accounts.choices import AuditAction
from apps.accounts.models import User
from apps.accounts.services import audit_record

from .choices import SEVERITY_RANK, TransitionKind
from .models import Alert, AlertTransition
from .rules import Condition, alerts_desired
from .selectors import escalation_figures, rule_specs
from .signals import alerts_changed

logger = logging.getLogger(__name__)

Key = tuple[str, str]


class AlertNotOpen(Exception):
    """The alert has been closed; there is nothing left to acknowledge."""


class EmptyNote(Exception):
    """An acknowledgement must say what was done."""


def alerts_evaluate(*, now: datetime | None = None) -> set[str]:
    """Bring the open alerts in line with the rules on the figures now.

    Returns the scopes whose alerts changed. Mail for the new transitions goes out after the
    transaction closes.
    """
    now = now or timezone.now()
    current = _open_alerts()
    desired = alerts_desired(
        figures=escalation_figures(now=now),
        rules=rule_specs(),
        now=now,
        opel_thresholds=settings.SCC_OPEL_THRESHOLDS,
        open_alerts={
            key: Condition(alert.scope_kind, alert.severity, alert.message)
            for key, alert in current.items()
        },
    )
    changed = alerts_reconcile(desired=desired, now=now, current=current)
    transaction.on_commit(transitions_notify)
    if changed:
        transaction.on_commit(lambda: alerts_changed.send(sender=Alert, changed=changed))
    return changed


def _open_alerts() -> dict[Key, Alert]:
    return {(alert.rule_id, alert.scope): alert for alert in Alert.objects.open()}


def alerts_reconcile(
    *, desired: Mapping[Key, Condition], now: datetime, current: Mapping[Key, Alert] | None = None
) -> set[str]:
    """Raise, escalate, de-escalate and close alerts so that the open ones match ``desired``.

    ``current``: the open alerts ``desired`` was worked out from (read again when not given).
    """
    changed: set[str] = set()
    if current is None:
        current = _open_alerts()
    for (code, scope), condition in desired.items():
        alert = current.get((code, scope))
        if alert is None:
            if _alert_raise(code=code, scope=scope, condition=condition, now=now):
                changed.add(scope)
                continue
            # Another evaluation opened it first: carry on from what it holds.
            alert = Alert.objects.open().filter(rule_id=code, scope=scope).first()
            if alert is None:
                continue
        if _alert_update(alert=alert, condition=condition, now=now):
            changed.add(scope)
    for (code, scope), alert in current.items():
        if (code, scope) not in desired and _alert_close(alert=alert, now=now):
            changed.add(scope)
    return changed


def _alert_raise(*, code: str, scope: str, condition: Condition, now: datetime) -> bool:
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                rule_id=code,
                scope=scope,
                scope_kind=condition.scope_kind,
                severity=condition.severity,
                message=condition.message,
                raised_at=now,
                severity_changed_at=now,
            )
            AlertTransition.objects.create(
                alert=alert,
                kind=TransitionKind.RAISED,
                severity=condition.severity,
                message=condition.message,
                at=now,
            )
    except IntegrityError:
        return False
    return True


def _alert_update(*, alert: Alert, condition: Condition, now: datetime) -> bool:
    """Move the alert to the condition's severity. True if this call made a transition."""
    if alert.severity == condition.severity and alert.message == condition.message:
        return False
    still_current = Alert.objects.open().filter(
        pk=alert.pk, severity=alert.severity, severity_changed_at__lte=now
    )
    if alert.severity == condition.severity:
        still_current.update(message=condition.message)
        return False
    worse = SEVERITY_RANK[condition.severity] > SEVERITY_RANK[alert.severity]
    fields = {
        "severity": condition.severity,
        "message": condition.message,
        "severity_changed_at": now,
    }
    if worse:
        # A worse position is a new fact: it needs acknowledging again.
        fields |= {"acknowledged_at": None, "acknowledged_by": None, "acknowledgement_note": ""}
    with transaction.atomic():
        if not still_current.update(**fields):
            return False
        AlertTransition.objects.create(
            alert=alert,
            kind=TransitionKind.ESCALATED if worse else TransitionKind.DEESCALATED,
            severity=condition.severity,
            message=condition.message,
            at=now,
        )
    return True


def _alert_close(*, alert: Alert, now: datetime) -> bool:
    with transaction.atomic():
        closing = Alert.objects.open().filter(
            pk=alert.pk, raised_at__lte=now, severity_changed_at__lte=now
        )
        if not closing.update(closed_at=now):
            return False
        severity, message = Alert.objects.values_list("severity", "message").get(pk=alert.pk)
        AlertTransition.objects.create(
            alert=alert,
            kind=TransitionKind.CLOSED,
            severity=severity,
            message=message,
            at=now,
        )
    return True


def alert_acknowledge(
    *,
    alert_id: int,
    user: User,
    note: str,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Alert:
    """Record that ``user`` has seen an open alert and what they did about it.

    Raises ``Alert.DoesNotExist``, ``AlertNotOpen`` or ``EmptyNote``. Acknowledging again
    (a new shift, a new action) is recorded as another transition.
    """
    now = now or timezone.now()
    note = note.strip()
    if not note:
        raise EmptyNote
    with transaction.atomic():
        updated = (
            Alert.objects.open()
            .filter(pk=alert_id)
            .update(acknowledged_at=now, acknowledged_by=user, acknowledgement_note=note)
        )
        alert = Alert.objects.select_related("acknowledged_by").get(pk=alert_id)
        if not updated:
            raise AlertNotOpen
        AlertTransition.objects.create(
            alert=alert,
            kind=TransitionKind.ACKNOWLEDGED,
            severity=alert.severity,
            message=alert.message,
            at=now,
            by=user,
            note=note,
        )
        audit_record(
            action=AuditAction.ALERT_ACKNOWLEDGED,
            request=request,
            user=user,
            alert=alert.pk,
            rule=alert.rule_id,
            scope=alert.scope,
            severity=alert.severity,
            note=note,
        )
    transaction.on_commit(transitions_notify)
    transaction.on_commit(lambda: alerts_changed.send(sender=Alert, changed={alert.scope}))
    return alert


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z}"


def _mail_of(transition: AlertTransition) -> tuple[str, str]:
    alert = transition.alert
    subject = (
        f"[SCC {transition.severity.upper()}] {transition.get_kind_display()}: "
        f"{alert.get_scope_kind_display()} {alert.scope} · {alert.rule_id}"
    )
    lines = [
        transition.message or alert.message,
        "",
        f"{transition.get_kind_display()} at {_local(transition.at)}.",
    ]
    if transition.by_id:
        lines.append(f"By {transition.by.get_username()}: {transition.note}")
    lines.append(f"Alert {alert.pk}, raised {_local(alert.raised_at)}.")
    return subject, "\n".join(lines)


def transitions_notify(*, limit: int = 200) -> int:
    """Mail each transition not yet notified to its severity's list, once. Returns mails sent.

    Each transition is claimed with a conditional UPDATE before sending, so two workers never
    send the same one; a failed send releases the claim to be retried on the next run.
    """
    pending = list(
        AlertTransition.objects.filter(notified_at__isnull=True)
        .select_related("alert", "by")
        .order_by("pk")[:limit]
    )
    sent = 0
    for transition in pending:
        claimed = AlertTransition.objects.filter(pk=transition.pk, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            continue
        recipients = list(settings.SCC_ALERT_EMAILS.get(transition.severity) or [])
        if not recipients:
            continue
        subject, body = _mail_of(transition)
        try:
            send_mail(subject, body, None, recipients)
        except Exception:
            logger.exception("alert mail for transition %s failed; will retry", transition.pk)
            AlertTransition.objects.filter(pk=transition.pk).update(notified_at=None)
            continue
        sent += 1
    return sent
