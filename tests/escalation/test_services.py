"""The alert lifecycle: raise, escalate, de-escalate, acknowledge, close; mail once per change."""

import contextlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction

from apps.accounts.choices import AuditAction
from apps.accounts.models import AuditEvent
from apps.accounts.services import user_create
from apps.escalation.models import Alert, AlertTransition, EscalationRule
from apps.escalation.receivers import evaluation_request
from apps.escalation.services import (
    AlertNotOpen,
    EmptyNote,
    alert_acknowledge,
    alerts_evaluate,
    transitions_notify,
)
from apps.escalation.tasks import EVALUATIONS

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def kinds(alert: Alert) -> list[tuple[str, str]]:
    return list(alert.transitions.order_by("pk").values_list("kind", "severity"))


@pytest.fixture
def ann(db):
    return user_create(username="ann", role="scc", password="correct-horse-battery")


def test_the_default_rules_are_loaded():
    rules = {
        r.code: (r.scope_kind, r.amber, r.red, r.enabled) for r in EscalationRule.objects.all()
    }
    assert rules == {
        "site_occupancy": ("site", 92, 95, True),
        "ambulance_wait": ("site", 30, 45, True),
        "site_opel": ("site", 3, 4, True),
        "mofd_p1_p3": ("organisation", 50, None, True),
        "vw_utilisation": ("system", 80, None, True),
        "stale_bed_sitrep": ("site", 4, 8, True),
        "ed_four_hour": ("site", 76, 60, True),
        "ed_twelve_hour": ("site", 1, 5, True),
        "action_overdue": ("organisation", 1, None, True),
        "cat2_mean": ("organisation", 30, 60, True),
    }


def test_a_rule_scope_must_fit_its_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationRule.objects.filter(code="site_occupancy").update(scope_kind="system")


def test_red_must_be_at_least_as_bad_as_amber():
    from django.core.exceptions import ValidationError

    occupancy = EscalationRule.objects.get(code="site_occupancy")
    occupancy.red = 90
    with pytest.raises(ValidationError, match="at least as bad as amber"):
        occupancy.full_clean()
    utilisation = EscalationRule.objects.get(code="vw_utilisation")
    utilisation.red = 60  # below 60% is worse than below 80%
    utilisation.full_clean()
    utilisation.red = 85
    with pytest.raises(ValidationError):
        utilisation.full_clean()


def test_it_raises_an_alert_when_the_condition_starts_to_hold(figures):
    figures.set_sites(**{"RWE-LRI": {"occupancy_pct": 90.0}})
    assert alerts_evaluate(now=at(0)) == set()
    figures.set_sites(**{"RWE-LRI": {"occupancy_pct": 93.0}})
    assert alerts_evaluate(now=at(1)) == {"RWE-LRI"}
    alert = Alert.objects.get()
    assert (alert.rule_id, alert.scope, alert.scope_kind, alert.severity) == (
        "site_occupancy",
        "RWE-LRI",
        "site",
        "amber",
    )
    assert alert.raised_at == at(1) and alert.closed_at is None
    assert kinds(alert) == [("raised", "amber")]


def test_evaluating_again_changes_nothing(figures):
    figures.set_sites(**{"RWE-LRI": {"occupancy_pct": 96.0}})
    alerts_evaluate(now=at(0))
    assert alerts_evaluate(now=at(1)) == set()
    assert Alert.objects.count() == 1 and AlertTransition.objects.count() == 1


def test_it_escalates_and_deescalates_and_keeps_every_transition(figures):
    figures.set_sites(S={"longest_wait_min": 35})
    alerts_evaluate(now=at(0))
    figures.set_sites(S={"longest_wait_min": 50})
    assert alerts_evaluate(now=at(1)) == {"S"}
    figures.set_sites(S={"longest_wait_min": 40})
    assert alerts_evaluate(now=at(2)) == {"S"}
    alert = Alert.objects.get()
    assert alert.severity == "amber" and alert.severity_changed_at == at(2)
    assert "longest ambulance waiting now 40 min" in alert.message
    assert kinds(alert) == [("raised", "amber"), ("escalated", "red"), ("deescalated", "amber")]


def test_the_message_follows_the_figure_without_a_transition(figures):
    figures.set_sites(S={"longest_wait_min": 35})
    alerts_evaluate(now=at(0))
    figures.set_sites(S={"longest_wait_min": 38})
    assert alerts_evaluate(now=at(1)) == set()
    alert = Alert.objects.get()
    assert "38 min" in alert.message and kinds(alert) == [("raised", "amber")]


def test_it_closes_the_alert_when_the_condition_no_longer_holds(figures):
    figures.set_sites(S={"occupancy_pct": 95.5})
    alerts_evaluate(now=at(0))
    figures.set_sites(S={"occupancy_pct": 91.0})
    assert alerts_evaluate(now=at(5)) == {"S"}
    alert = Alert.objects.get()
    assert alert.closed_at == at(5)
    assert kinds(alert) == [("raised", "red"), ("closed", "red")]


def test_a_condition_that_returns_opens_a_new_alert(figures):
    figures.set_sites(S={"occupancy_pct": 95.5})
    alerts_evaluate(now=at(0))
    figures.set_sites(S={"occupancy_pct": 85.0})
    alerts_evaluate(now=at(1))
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(2))
    assert Alert.objects.closed().count() == 1
    assert Alert.objects.open().get().severity == "amber"


def test_disabling_a_rule_closes_its_alerts(figures):
    figures.set_sites(S={"occupancy_pct": 99.0})
    alerts_evaluate(now=at(0))
    EscalationRule.objects.filter(code="site_occupancy").update(enabled=False)
    alerts_evaluate(now=at(1))
    assert Alert.objects.get().closed_at == at(1)


def test_an_evaluation_on_older_figures_does_not_undo_a_newer_one(figures):
    figures.set_sites(S={"occupancy_pct": 99.0})
    alerts_evaluate(now=at(10))
    figures.set_sites(S={"occupancy_pct": 80.0})
    assert alerts_evaluate(now=at(9)) == set()
    assert Alert.objects.open().count() == 1


def test_the_database_refuses_a_second_open_alert_for_a_rule_and_scope(figures):
    figures.set_sites(S={"occupancy_pct": 99.0})
    alerts_evaluate(now=at(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            rule_id="site_occupancy",
            scope="S",
            scope_kind="site",
            severity="red",
            message="again",
            raised_at=at(1),
            severity_changed_at=at(1),
        )


# --------------------------------------------------------------------------- acknowledge


def test_staff_acknowledge_with_a_note_and_it_is_audited(figures, ann):
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(0))
    alert = Alert.objects.get()
    alert_acknowledge(alert_id=alert.pk, user=ann, note="  Opened ward 7 escalation.  ", now=at(3))
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at) == (ann, at(3))
    assert alert.acknowledgement_note == "Opened ward 7 escalation."
    transition = alert.transitions.get(kind="acknowledged")
    assert (transition.by, transition.note, transition.at) == (
        ann,
        alert.acknowledgement_note,
        at(3),
    )
    event = AuditEvent.objects.get(action=AuditAction.ALERT_ACKNOWLEDGED)
    assert event.user == ann and event.detail["alert"] == alert.pk
    assert event.detail["note"] == "Opened ward 7 escalation."


def test_an_empty_note_or_a_closed_alert_cannot_be_acknowledged(figures, ann):
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(0))
    alert = Alert.objects.get()
    with pytest.raises(EmptyNote):
        alert_acknowledge(alert_id=alert.pk, user=ann, note="   ", now=at(1))
    figures.set_sites(S={"occupancy_pct": 85.0})
    alerts_evaluate(now=at(2))
    with pytest.raises(AlertNotOpen):
        alert_acknowledge(alert_id=alert.pk, user=ann, note="too late", now=at(3))
    with pytest.raises(Alert.DoesNotExist):
        alert_acknowledge(alert_id=alert.pk + 1000, user=ann, note="what?", now=at(3))
    assert not AlertTransition.objects.filter(kind="acknowledged").exists()


def test_a_worse_position_needs_acknowledging_again(figures, ann):
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(0))
    alert = Alert.objects.get()
    alert_acknowledge(alert_id=alert.pk, user=ann, note="Watching it.", now=at(1))
    figures.set_sites(S={"occupancy_pct": 96.0})
    alerts_evaluate(now=at(2))
    alert.refresh_from_db()
    assert alert.severity == "red" and alert.acknowledged_by is None
    assert alert.transitions.get(kind="acknowledged").note == "Watching it."


def test_a_better_position_keeps_the_acknowledgement(figures, ann):
    figures.set_sites(S={"occupancy_pct": 96.0})
    alerts_evaluate(now=at(0))
    alert = Alert.objects.get()
    alert_acknowledge(alert_id=alert.pk, user=ann, note="Discharge push.", now=at(1))
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(2))
    alert.refresh_from_db()
    assert alert.severity == "amber" and alert.acknowledged_by == ann


# --------------------------------------------------------------------------- mail


def test_evaluating_twice_sends_one_mail(figures, alert_emails, django_capture_on_commit_callbacks):
    figures.set_sites(S={"longest_wait_min": 50})
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=at(0))
    with django_capture_on_commit_callbacks(execute=True):
        alerts_evaluate(now=at(1))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["red@scc.test"]
    assert message.subject == "[SCC RED] Raised: Site S · ambulance_wait"
    assert "S: longest ambulance waiting now 50 min (red at > 45 min)" in message.body
    assert AlertTransition.objects.get().notified_at is not None


def test_each_transition_is_mailed_to_its_severity_list(
    figures, alert_emails, ann, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        figures.set_sites(S={"longest_wait_min": 35})
        alerts_evaluate(now=at(0))
        figures.set_sites(S={"longest_wait_min": 50})
        alerts_evaluate(now=at(1))
        alert_acknowledge(alert_id=Alert.objects.get().pk, user=ann, note="Cohorting.", now=at(2))
        figures.set_sites(S={"longest_wait_min": 0})
        alerts_evaluate(now=at(3))
    assert [(m.to, m.subject.split(":")[0]) for m in mail.outbox] == [
        (["amber@scc.test"], "[SCC AMBER] Raised"),
        (["red@scc.test"], "[SCC RED] Escalated"),
        (["red@scc.test"], "[SCC RED] Acknowledged"),
        (["red@scc.test"], "[SCC RED] Closed"),
    ]
    assert "By ann: Cohorting." in mail.outbox[2].body


def test_a_transition_already_claimed_is_not_sent_again(figures, alert_emails):
    figures.set_sites(S={"longest_wait_min": 50})
    alerts_evaluate(now=at(0))
    AlertTransition.objects.update(notified_at=at(0))
    assert transitions_notify() == 0 and mail.outbox == []


def test_a_failed_send_is_retried(figures, alert_emails, monkeypatch):
    figures.set_sites(S={"longest_wait_min": 50})
    alerts_evaluate(now=at(0))

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("apps.escalation.services.send_mail", broken)
    assert transitions_notify() == 0
    assert AlertTransition.objects.get().notified_at is None
    monkeypatch.undo()
    assert transitions_notify() == 1 and len(mail.outbox) == 1


def test_no_list_for_a_severity_means_no_mail(figures, settings):
    settings.SCC_ALERT_EMAILS = {"amber": [], "red": []}
    figures.set_sites(S={"longest_wait_min": 50})
    alerts_evaluate(now=at(0))
    assert transitions_notify() == 0 and mail.outbox == []
    assert AlertTransition.objects.get().notified_at is not None


# --------------------------------------------------------------------------- triggers


def _queued_evaluations(monkeypatch) -> list:
    """Countdowns of the evaluations queued (the broker is not asked)."""
    from apps.escalation import tasks

    queued = []
    monkeypatch.setattr(
        tasks.evaluate_alerts, "apply_async", lambda countdown=None, **kw: queued.append(countdown)
    )
    return queued


def test_figures_changed_queues_one_evaluation_for_a_burst(
    monkeypatch, django_capture_on_commit_callbacks
):
    from apps.core.events import figures_changed

    queued = _queued_evaluations(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        figures_changed.send(sender=None, changed={"beds:RWE-LRI"})
        figures_changed.send(sender=None, changed={"beds:RWE-GH"})
    assert queued == [None]  # one, at once
    EVALUATIONS.started()  # the task, as it starts
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request()
    # Another, held so that evaluations start a spacing apart.
    assert len(queued) == 2 and 0 < queued[1] <= settings.SCC_ALERT_EVALUATION_SPACING_S


def test_a_change_rolled_back_queues_no_evaluation(monkeypatch, django_capture_on_commit_callbacks):
    queued = _queued_evaluations(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        with contextlib.suppress(RuntimeError), transaction.atomic():
            evaluation_request()
            raise RuntimeError("rolled back")
        evaluation_request()
    assert queued == [None]  # only the committed request; the rolled-back one left no flag


def test_runs_under_a_stream_of_requests_start_a_spacing_apart():
    from apps.core.coalesce import spacing_delay

    assert spacing_delay(now=100.0, last_started=None, spacing=1.0) == 0.0
    assert spacing_delay(now=100.0, last_started=99.7, spacing=1.0) == 0.7
    assert spacing_delay(now=100.0, last_started=98.0, spacing=1.0) == 0.0
    # A clock that stepped back never holds a run longer than the spacing.
    assert spacing_delay(now=100.0, last_started=250.0, spacing=1.0) == 1.0


def test_the_task_evaluates_the_rules_and_lets_the_next_change_queue_another(
    figures, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.escalation.tasks import evaluate_alerts

    queued = _queued_evaluations(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request()
        evaluation_request()
    assert len(queued) == 1
    figures.set_sites(S={"occupancy_pct": 97.0})
    evaluate_alerts()
    assert Alert.objects.open().count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_request()
    assert len(queued) == 2


def test_every_minute_the_beat_evaluates(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["escalation-evaluate-alerts"]
    assert entry == {"task": "apps.escalation.tasks.evaluate_alerts", "schedule": 60.0}


def test_an_alert_hovering_at_its_threshold_stays_open_and_keeps_its_acknowledgement(figures, ann):
    """Occupancy at 92.1 / 91.5 / 92.3 / 91.2 is one alert, acknowledged once; 90.9 closes it
    (the deadband of 1 point, DOMAIN.md "Escalation")."""
    figures.set_sites(S={"occupancy_pct": 92.1})
    alerts_evaluate(now=at(0))
    alert = Alert.objects.get()
    alert_acknowledge(alert_id=alert.pk, user=ann, note="Opening the discharge lounge.", now=at(1))
    for minute, pct in enumerate((91.5, 92.3, 91.2), start=2):
        figures.set_sites(S={"occupancy_pct": pct})
        alerts_evaluate(now=at(minute))
    alert.refresh_from_db()
    assert alert.is_open
    assert alert.acknowledged_by == ann
    assert alert.acknowledgement_note == "Opening the discharge lounge."
    figures.set_sites(S={"occupancy_pct": 90.9})
    alerts_evaluate(now=at(9))
    alert.refresh_from_db()
    assert not alert.is_open
    assert kinds(alert) == [("raised", "amber"), ("acknowledged", "amber"), ("closed", "amber")]


def test_a_missing_figure_leaves_the_alert_open(figures):
    figures.set_sites(S={"occupancy_pct": 93.0})
    alerts_evaluate(now=at(0))
    figures.set_sites(S={})
    alerts_evaluate(now=at(1))
    assert Alert.objects.open().count() == 1


def test_every_rule_has_its_deadband_by_code():
    assert dict(EscalationRule.objects.values_list("code", "deadband")) == {
        "site_occupancy": 1,
        "ambulance_wait": 5,
        "site_opel": 0,
        "mofd_p1_p3": 1,
        "vw_utilisation": 1,
        "stale_bed_sitrep": Decimal("0.25"),
        "cat2_mean": 2,  # added by a later migration: its default comes by its code
        "ed_four_hour": 2,  # so are the ED rules
        "ed_twelve_hour": 1,
        "action_overdue": 1,
    }


def test_a_rule_added_without_a_deadband_gets_its_codes_default():
    """What a later migration adding a rule row gets (the insert trigger, by rule code)."""
    rule = EscalationRule.objects.get(code="vw_utilisation")
    rule.delete()
    EscalationRule.objects.create(code="vw_utilisation", scope_kind="system", amber=80)
    assert EscalationRule.objects.get(code="vw_utilisation").deadband == 1
    EscalationRule.objects.filter(code="vw_utilisation").delete()
    EscalationRule.objects.create(
        code="vw_utilisation", scope_kind="system", amber=80, deadband=Decimal("2.5")
    )
    assert EscalationRule.objects.get(code="vw_utilisation").deadband == Decimal("2.5")


def test_a_deadband_is_never_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        EscalationRule.objects.filter(code="site_occupancy").update(deadband=-1)
