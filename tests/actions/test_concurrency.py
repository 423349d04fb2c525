"""Two people mark the same action done at once, in two threads with their own connections."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from apps.accounts.models import AuditEvent
from apps.actions import services
from apps.actions.models import Action, ActionTransition

from .factories import T0, staff

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_dones_at_once_make_one_transition_and_one_409(estate, monkeypatch):
    ann, bob = staff("ann"), staff("bob")
    action = services.action_create(
        user=ann,
        text="Open escalation beds",
        owner_organisation="RWE",
        owner_name="Site manager",
        due_at=T0 + timedelta(hours=1),
        scope="RWE-LRI",
        now=T0,
    )
    # Both have read the open action and taken the figures before either writes.
    barrier = threading.Barrier(2, timeout=10)
    take_figures = services.effect_figures

    def take_then_wait(scope, at):
        figures = take_figures(scope, at)
        barrier.wait()
        return figures

    monkeypatch.setattr(services, "effect_figures", take_then_wait)
    outcomes, errors = [], []

    def run(user):
        try:
            services.action_done(action_id=action.pk, user=user, now=T0 + timedelta(minutes=5))
            outcomes.append("done")
        except services.ActionNotOpen:
            outcomes.append("conflict")
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in (ann, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(outcomes) == ["conflict", "done"]
    assert Action.objects.get(pk=action.pk).status == "done"
    kinds = ActionTransition.objects.filter(action=action).values_list("kind", flat=True)
    assert sorted(kinds) == ["created", "done"]
    assert AuditEvent.objects.filter(action="action_done").count() == 1
