"""The demo's routine system calls: held at 08:30, 13:00 and 16:30 local, backfilled at start,
some actions completed and one left overdue."""

from __future__ import annotations

from datetime import datetime

import pytest

from apps.actions.models import Action, SystemCall
from apps.actions.selectors import actions_counts
from apps.board.management.commands.simulate import complete_due_actions, hold_due_calls
from demo.simulator import LONDON, NEVER_COMPLETED, call_moments, calls_due

from .factories import staff

pytestmark = pytest.mark.django_db

AFTERNOON = datetime(2026, 11, 23, 14, 0, tzinfo=LONDON)


def test_the_calls_due_are_todays_past_ones_not_yet_held():
    morning, midday, evening = call_moments(AFTERNOON.date())
    assert calls_due(AFTERNOON, set()) == [morning, midday]
    assert calls_due(AFTERNOON, {morning}) == [midday]
    assert calls_due(evening, {morning, midday}) == [evening]


def test_the_demo_backfills_todays_calls_and_leaves_one_action_overdue(estate):
    staff("scc")
    assert hold_due_calls(AFTERNOON) == 2
    assert hold_due_calls(AFTERNOON) == 0
    assert SystemCall.objects.count() == 2 and Action.objects.count() == 5
    assert complete_due_actions(AFTERNOON) == 2
    assert complete_due_actions(AFTERNOON) == 0
    assert actions_counts(now=AFTERNOON) == {"open": 3, "overdue": 1}
    overdue = Action.objects.get(status="open", due_at__lt=AFTERNOON)
    assert overdue.text == NEVER_COMPLETED
    done = Action.objects.filter(status="done")
    assert all(a.done_at < a.due_at and a.effect_at_done is not None for a in done)
