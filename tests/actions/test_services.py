"""Writes of calls and actions: transitions, audit, effect, overdue mail and alert."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from apps.accounts.models import AuditEvent
from apps.actions import services
from apps.actions.models import Action, ActionTransition
from apps.beds.models import Organisation
from apps.core.exceptions import ApplicationError
from apps.escalation.models import Alert
from apps.escalation.services import alerts_evaluate
from apps.sitreps.services import sitrep_ingest
from tests.ambulance.conftest import arrival  # noqa: F401 (a fixture)
from tests.discharge.factories import Patient, post_list

from .factories import T0, snapshot, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(estate):
    return staff()


def create(user, *, scope="RWE-LRI", due=T0 + timedelta(hours=2), now=T0, owner="RWE", **kw):
    return services.action_create(
        user=user,
        text="Open 4 escalation beds on ward 22",
        owner_organisation=owner,
        owner_name="LRI site manager",
        due_at=due,
        scope=scope,
        now=now,
        **kw,
    )


def test_it_keeps_the_sites_figures_when_created_and_when_done(ann):
    snapshot("RWE-LRI", T0 - timedelta(minutes=10), occupied=96, vacant=4)
    action = create(ann)
    assert action.effect_at_created == {
        "ga_occupancy_pct": 96.0,
        "longest_ambulance_wait_min": None,
        "ed_four_hour_pct": None,
    }
    snapshot("RWE-LRI", T0 + timedelta(minutes=50), occupied=92, vacant=8)
    done = services.action_done(
        action_id=action.pk, user=ann, note="beds open", now=T0 + timedelta(hours=1)
    )
    assert (done.status, done.done_by, done.note) == ("done", ann, "beds open")
    assert done.effect_at_done["ga_occupancy_pct"] == 92.0
    kinds = list(done.transitions.values_list("kind", flat=True))
    assert kinds == ["created", "done"]
    audited = list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True))
    assert audited == ["action_created", "action_done"]


def test_a_second_done_or_cancel_is_refused_and_writes_nothing(ann):
    action = create(ann)
    services.action_done(action_id=action.pk, user=ann, now=T0 + timedelta(minutes=5))
    with pytest.raises(services.ActionNotOpen):
        services.action_done(action_id=action.pk, user=ann, now=T0 + timedelta(minutes=6))
    with pytest.raises(services.ActionNotOpen):
        services.action_cancel(action_id=action.pk, user=ann, now=T0 + timedelta(minutes=7))
    assert action.transitions.count() == 2
    assert AuditEvent.objects.filter(action="action_done").count() == 1
    assert AuditEvent.objects.filter(action="action_cancelled").count() == 0


def test_a_cancelled_action_has_no_done_effect(ann):
    action = create(ann)
    cancelled = services.action_cancel(
        action_id=action.pk, user=ann, note="not needed", now=T0 + timedelta(minutes=5)
    )
    assert (cancelled.status, cancelled.cancelled_by, cancelled.effect_at_done) == (
        "cancelled",
        ann,
        None,
    )
    assert AuditEvent.objects.filter(action="action_cancelled").count() == 1


def test_an_unknown_owner_scope_alert_or_call_is_named_and_nothing_is_written(ann):
    with pytest.raises(ApplicationError) as caught:
        create(ann, owner="NOPE", scope="NOWHERE", alert_id=999, call_id=999)
    assert set(caught.value.detail) == {"owner_organisation", "scope", "alert", "call"}
    assert not Action.objects.exists() and not AuditEvent.objects.exists()


def test_an_organisation_effect_is_its_mofd_on_p1_to_p3(ann):
    day = T0.date()
    post_list(
        "RWE",
        T0 - timedelta(hours=1),
        [
            Patient(ref=f"p{i}", mofd_on=day, pathway=p)
            for i, p in enumerate(["P0", "P1", "P2", "P3", "P1"])
        ],
    )
    assert create(ann, scope="RWE").effect_at_created == {"mofd_p1_p3": 4}
    # The system sums every organisation's list in force; no list yet for RT5 adds nothing.
    system = create(ann, scope="system")
    assert system.effect_at_created["mofd_p1_p3"] == 4
    # An ambulance service's headline is its C2 mean today: none responded yet, unknown.
    assert create(ann, scope="RX9").effect_at_created == {"c2_mean_response_s": None}


def test_an_ambulance_services_effect_is_its_c2_mean_so_far_today(ann):
    rx9 = Organisation.objects.get(code="RX9")
    start = T0 - timedelta(hours=2)
    incidents = [
        {
            "incident": f"C2-{minutes}",
            "category": 2,
            "call_connected_at": start.isoformat(),
            "dispatched_at": start.isoformat(),
            "at_scene_at": (start + timedelta(minutes=minutes)).isoformat(),
        }
        for minutes in (10, 21, 200)  # the last arrives after the action is created
    ]
    result = sitrep_ingest(
        kind="incidents",
        organisation=rx9,
        body={"incidents": incidents},
        now=T0 + timedelta(hours=2),
    )
    assert result.status == 201, result.body
    # 10 and 21 minutes had stopped by T0: mean 15.5 min = 930 s.
    assert create(ann, scope="RX9").effect_at_created == {"c2_mean_response_s": 930}


def test_the_longest_wait_is_the_crew_still_waiting_at_that_moment(ann, arrival):  # noqa: F811
    arrival("RWE-LRI", T0 - timedelta(minutes=50), handover_at=T0 - timedelta(minutes=5))
    arrival("RWE-LRI", T0 - timedelta(minutes=37))
    arrival("RWE-GH", T0 - timedelta(minutes=61))
    assert create(ann).effect_at_created["longest_ambulance_wait_min"] == 37
    assert create(ann, scope="system").effect_at_created["longest_ambulance_wait_min"] == 61


def test_the_beat_fills_the_figures_4h_and_24h_after_creation_once(ann):
    snapshot("RWE-LRI", T0 - timedelta(hours=1), occupied=96, vacant=4)
    action = create(ann)
    snapshot("RWE-LRI", T0 + timedelta(hours=3, minutes=59), occupied=90, vacant=10)
    snapshot("RWE-LRI", T0 + timedelta(hours=4, minutes=1), occupied=80, vacant=20)
    assert services.effects_fill(now=T0 + timedelta(hours=3)) == 0
    assert services.effects_fill(now=T0 + timedelta(hours=5)) == 1
    action.refresh_from_db()
    # As the figures stood at exactly created + 4 h, not when the job ran.
    assert action.effect_after_4h["ga_occupancy_pct"] == 90.0
    assert action.effect_after_24h is None
    assert services.effects_fill(now=T0 + timedelta(hours=6)) == 0
    assert services.effects_fill(now=T0 + timedelta(hours=25)) == 1
    action.refresh_from_db()
    assert action.effect_after_24h["ga_occupancy_pct"] == 80.0


def test_an_overdue_action_is_recorded_and_mailed_to_its_owner_once(ann, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Organisation.objects.filter(code="RWE").update(contact_email="uhl-site@nhs.test")
    Organisation.objects.filter(code="RT5").update(contact_email="")
    late = create(ann, due=T0 + timedelta(minutes=30))
    create(ann, owner="RT5", scope="RT5", due=T0 + timedelta(minutes=30))
    create(ann, due=T0 + timedelta(hours=3))  # not yet due
    now = T0 + timedelta(hours=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("apps.escalation.receivers.EVALUATIONS.request", lambda: None)
        assert len(services.actions_mark_overdue(now=now)) == 2
        assert services.actions_mark_overdue(now=now + timedelta(minutes=1)) == []
    assert services.overdue_notify() == 1
    assert services.overdue_notify() == 0
    assert [m.to for m in mail.outbox] == [["uhl-site@nhs.test"]]
    assert "Open 4 escalation beds" in mail.outbox[0].body
    late.refresh_from_db()
    assert late.overdue_at == now
    assert ActionTransition.objects.filter(kind="overdue").count() == 2


def test_the_action_overdue_rule_raises_an_alert_for_the_owner(ann):
    create(ann, due=T0 - timedelta(minutes=1))
    create(ann, owner="RT5", scope=None, due=T0 + timedelta(hours=1))
    alerts_evaluate(now=T0)
    alert = Alert.objects.get(rule_id="action_overdue")
    assert (alert.scope, alert.severity, alert.scope_kind) == ("RWE", "amber", "organisation")
    Action.objects.update(status="cancelled", cancelled_at=T0, cancelled_by=ann)
    alerts_evaluate(now=T0 + timedelta(minutes=1))
    alert.refresh_from_db()
    assert alert.closed_at is not None


def test_a_call_freezes_the_board_and_keeps_declarations_beside_computed_opels(ann):
    snapshot("RWE-LRI", T0, occupied=96, vacant=4)
    call = services.call_start(
        user=ann,
        kind="routine",
        chair="Duty manager",
        declarations=[
            services.DeclarationIn(organisation="RWE", opel=3, comment="ED crowded"),
            services.DeclarationIn(organisation="RX9", opel=None),
        ],
        now=T0,
    )
    assert call.figures["generated_at"].startswith("2026-11-23T09:00")
    assert call.figures["system"]["actions"] == {"open": 0, "overdue": 0}
    rows = {d.organisation.code: d for d in call.declarations.all()}
    assert (rows["RWE"].opel, rows["RWE"].comment) == (3, "ED crowded")
    assert rows["RX9"].computed_opel is None  # no REAP level declared yet
    assert AuditEvent.objects.filter(action="call_started").count() == 1


def test_an_ambulance_services_computed_opel_is_its_reap_level(ann):
    rx9 = Organisation.objects.get(code="RX9")
    declared = {"level": 3, "declared_at": (T0 - timedelta(hours=1)).isoformat()}
    assert sitrep_ingest(kind="reap", organisation=rx9, body=declared, now=T0).status == 201
    call = services.call_start(
        user=ann,
        kind="escalation",
        chair="Duty manager",
        declarations=[services.DeclarationIn(organisation="RX9", opel=4)],
        now=T0,
    )
    assert call.declarations.get().computed_opel == 3


def test_a_call_names_an_unknown_or_repeated_organisation(ann):
    with pytest.raises(ApplicationError) as caught:
        services.call_start(
            user=ann,
            kind="routine",
            chair="x",
            declarations=[
                services.DeclarationIn(organisation="RWE", opel=3),
                services.DeclarationIn(organisation="NOPE", opel=3),
                services.DeclarationIn(organisation="RWE", opel=2),
            ],
        )
    assert set(caught.value.detail["declarations"]) == {"1", "2"}


def test_declarations_are_corrected_on_the_call_and_a_bad_one_is_named(ann):
    call = services.call_start(
        user=ann,
        kind="routine",
        chair="Duty manager",
        declarations=[services.DeclarationIn(organisation="RWE", opel=2)],
        now=T0,
    )
    changed = services.call_declarations_update(
        call_id=call.pk,
        user=ann,
        declarations=[
            services.DeclarationIn(organisation="RWE", opel=3, comment="worse since 08:00"),
            services.DeclarationIn(organisation="RT5", opel=None),
        ],
    )
    assert changed == ["RWE", "RT5"]
    assert (
        services.call_declarations_update(
            call_id=call.pk,
            user=ann,
            declarations=[
                services.DeclarationIn(organisation="RWE", opel=3, comment="worse since 08:00")
            ],
        )
        == []
    )
    with pytest.raises(ApplicationError) as caught:
        services.call_declarations_update(
            call_id=call.pk,
            user=ann,
            declarations=[
                services.DeclarationIn(organisation="RWE", opel=5),
                services.DeclarationIn(organisation="NOPE", opel=2),
            ],
        )
    assert caught.value.detail == {
        "declarations": {
            "0": {"opel": ["OPEL is 1 to 4."]},
            "1": {"organisation": ["Unknown organisation NOPE."]},
        }
    }
    rwe = call.declarations.get(organisation__code="RWE")
    assert (rwe.opel, rwe.comment) == (3, "worse since 08:00")
