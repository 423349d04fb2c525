"""Calls and actions rules on plain values (DOMAIN.md "System calls and actions")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apps.actions.rules import (
    action_is_overdue,
    effect_changes,
    effect_figure_names,
    effects_due,
)

DUE = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)


def test_it_is_overdue_only_when_open_and_strictly_after_due():
    assert not action_is_overdue(status="open", due_at=DUE, now=DUE)
    assert action_is_overdue(status="open", due_at=DUE, now=DUE + timedelta(seconds=1))
    assert not action_is_overdue(status="done", due_at=DUE, now=DUE + timedelta(hours=1))
    assert not action_is_overdue(status="cancelled", due_at=DUE, now=DUE + timedelta(hours=1))


def test_each_kind_of_scope_has_its_headline_figures():
    assert effect_figure_names(scope_kind="site") == (
        "ga_occupancy_pct",
        "longest_ambulance_wait_min",
        "ed_four_hour_pct",
    )
    assert effect_figure_names(scope_kind="organisation") == ("mofd_p1_p3",)
    assert effect_figure_names(scope_kind="organisation", is_ambulance=True) == (
        "c2_mean_response_s",
    )
    assert effect_figure_names(scope_kind="system") == (
        "ga_occupancy_pct",
        "longest_ambulance_wait_min",
        "ed_four_hour_pct",
        "mofd_p1_p3",
    )
    assert effect_figure_names(scope_kind="") == ()


def test_an_effect_says_which_way_each_figure_moved_and_whether_that_is_better():
    before = {"ga_occupancy_pct": 96.0, "ed_four_hour_pct": 70.0, "longest_ambulance_wait_min": 40}
    after = {"ga_occupancy_pct": 93.5, "ed_four_hour_pct": 68.0, "longest_ambulance_wait_min": 40}
    changes = {c.figure: c for c in effect_changes(before, after)}
    assert (changes["ga_occupancy_pct"].direction, changes["ga_occupancy_pct"].better) == (
        "down",
        True,
    )
    # A fall in 4-hour performance is worse.
    assert (changes["ed_four_hour_pct"].direction, changes["ed_four_hour_pct"].better) == (
        "down",
        False,
    )
    assert changes["longest_ambulance_wait_min"].direction == "same"


def test_an_unknown_side_has_no_direction():
    changes = effect_changes({"mofd_p1_p3": None}, {"mofd_p1_p3": 40})
    assert changes[0].direction is None and changes[0].better is None
    not_reached = effect_changes({"mofd_p1_p3": 50}, None)
    assert not_reached[0].after is None and not_reached[0].direction is None


def test_the_4h_and_24h_figures_fall_due_once_each():
    created = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    none = {"after_4h": False, "after_24h": False}
    assert effects_due(created_at=created, filled=none, now=created + timedelta(hours=3)) == []
    assert effects_due(created_at=created, filled=none, now=created + timedelta(hours=4)) == [
        ("after_4h", created + timedelta(hours=4))
    ]
    assert effects_due(
        created_at=created,
        filled={"after_4h": True, "after_24h": False},
        now=created + timedelta(hours=30),
    ) == [("after_24h", created + timedelta(hours=24))]
