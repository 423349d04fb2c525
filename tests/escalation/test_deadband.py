"""The deadband of every default rule (DOMAIN.md "Escalation"): raising at the threshold,
closing or stepping down only past it by d, and a null figure neither raising nor closing."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.escalation.rules import (
    ABOVE,
    AT_LEAST,
    BELOW,
    DEFAULT_DEADBANDS,
    Condition,
    Figures,
    OrganisationFigures,
    RuleSpec,
    SiteFigures,
    SystemFigures,
    alerts_desired,
    severity_held,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OPEL_THRESHOLDS = {
    "occupancy_pct": (92, 95, 98),
    "mean_handover_min": (15, 30, 60),
    "escalation_pct": (2, 5, 10),
    "mofd_pct": (10, 15, 20),
}
SPECS = {
    "site_occupancy": RuleSpec("site_occupancy", 92, 95, DEFAULT_DEADBANDS["site_occupancy"]),
    "ambulance_wait": RuleSpec("ambulance_wait", 30, 45, DEFAULT_DEADBANDS["ambulance_wait"]),
    "site_opel": RuleSpec("site_opel", 3, 4, DEFAULT_DEADBANDS["site_opel"]),
    "mofd_p1_p3": RuleSpec("mofd_p1_p3", 50, None, DEFAULT_DEADBANDS["mofd_p1_p3"]),
    "vw_utilisation": RuleSpec("vw_utilisation", 80, None, DEFAULT_DEADBANDS["vw_utilisation"]),
    "stale_bed_sitrep": RuleSpec("stale_bed_sitrep", 4, 8, DEFAULT_DEADBANDS["stale_bed_sitrep"]),
    "cat2_mean": RuleSpec("cat2_mean", 30, 60, DEFAULT_DEADBANDS["cat2_mean"]),
}


def step(code, figures, open_alerts=None):
    """One evaluation: the alerts wanted now given those open."""
    return alerts_desired(
        figures=figures,
        rules=[SPECS[code]],
        now=NOW,
        opel_thresholds=OPEL_THRESHOLDS,
        open_alerts=open_alerts or {},
    )


def run(code, scope, figures_sequence):
    """Evaluate a sequence of figures, carrying the open alerts from one to the next; the
    severity after each step (None: closed or never raised)."""
    open_alerts: dict = {}
    seen = []
    for figures in figures_sequence:
        open_alerts = step(code, figures, open_alerts)
        held = open_alerts.get((code, scope))
        seen.append(held.severity if held else None)
    return seen


def occupancy(pct):
    return Figures(sites=(SiteFigures(code="LRI", organisation="RWE", occupancy_pct=pct),))


def wait(minutes):
    return Figures(sites=(SiteFigures(code="LRI", organisation="RWE", longest_wait_min=minutes),))


def test_the_defaults_are_domains():
    assert DEFAULT_DEADBANDS == {
        "site_occupancy": 1,
        "vw_utilisation": 1,
        "ambulance_wait": 5,
        "site_opel": 0,
        "mofd_p1_p3": 1,
        "stale_bed_sitrep": 0.25,
        "ed_four_hour": 2,
        "ed_twelve_hour": 1,
        "cat2_mean": 2,
        "action_overdue": 1,
    }


def test_occupancy_921_raises_915_keeps_909_closes():
    """DOMAIN.md's worked example."""
    assert run("site_occupancy", "LRI", [occupancy(p) for p in (92.1, 91.5, 90.9)]) == [
        "amber",
        "amber",
        None,
    ]


def test_occupancy_closes_at_exactly_threshold_minus_d():
    assert run("site_occupancy", "LRI", [occupancy(p) for p in (92.0, 91.1, 91.0)]) == [
        "amber",
        "amber",
        None,
    ]


def test_occupancy_hovering_at_92_is_one_alert_not_six():
    hovering = [92.1, 91.8, 92.3, 91.6, 92.0, 91.9, 92.2, 91.7, 92.1, 91.5]
    seen = run("site_occupancy", "LRI", [occupancy(p) for p in hovering])
    assert seen == ["amber"] * len(hovering)


def test_occupancy_steps_down_from_red_only_below_94():
    seen = run("site_occupancy", "LRI", [occupancy(p) for p in (95.2, 94.5, 94.1, 94.0, 95.0)])
    assert seen == ["red", "red", "red", "amber", "red"]


def test_occupancy_from_red_straight_to_closed():
    assert run("site_occupancy", "LRI", [occupancy(p) for p in (96.0, 90.0)]) == ["red", None]


def test_the_held_message_says_when_it_will_end():
    open_alerts = step("site_occupancy", occupancy(92.1))
    held = step("site_occupancy", occupancy(91.5), open_alerts)[("site_occupancy", "LRI")]
    assert held.message == "LRI: adult G&A occupancy 91.5% (amber at ≥ 92%; held until ≤ 91%)"


def test_ambulance_wait_closes_only_at_25_minutes():
    seen = run("ambulance_wait", "LRI", [wait(m) for m in (31, 28, 26, 25)])
    assert seen == ["amber", "amber", "amber", None]


def test_ambulance_wait_steps_down_from_red_at_40():
    seen = run("ambulance_wait", "LRI", [wait(m) for m in (46, 44, 41, 40, 20)])
    assert seen == ["red", "red", "red", "amber", None]


def test_site_opel_has_no_deadband():
    def opel(pct):
        return Figures(sites=(SiteFigures(code="LRI", organisation="RWE", occupancy_pct=pct),))

    # Occupancy alone: 96% is OPEL 3, 99% OPEL 4, 94.9% OPEL 2.
    assert run("site_opel", "LRI", [opel(p) for p in (99.0, 96.0, 94.9)]) == [
        "red",
        "amber",
        None,
    ]


def test_mofd_on_p1_p3_closes_at_49():
    def mofd(n):
        return Figures(organisations=(OrganisationFigures("RWE", True, n + 10, n),))

    assert run("mofd_p1_p3", "RWE", [mofd(n) for n in (51, 50, 49)]) == ["amber", "amber", None]


def test_virtual_ward_utilisation_closes_at_81():
    def vw(pct):
        return Figures(system=SystemFigures(vw_utilisation_pct=pct))

    seen = run("vw_utilisation", "system", [vw(p) for p in (79.0, 80.0, 80.9, 81.0)])
    assert seen == ["amber", "amber", "amber", None]


def test_a_stale_sitrep_alert_closes_15_minutes_inside_the_threshold():
    def age(hours, minutes=0):
        return Figures(
            sites=(
                SiteFigures(
                    code="LRI",
                    organisation="RWE",
                    last_sitrep_at=NOW - timedelta(hours=hours, minutes=minutes),
                ),
            )
        )

    seen = run("stale_bed_sitrep", "LRI", [age(4, 1), age(3, 50), age(3, 45)])
    assert seen == ["amber", "amber", None]


@pytest.mark.parametrize(
    ("code", "comparison", "amber", "red", "values", "expected"),
    [
        # ED 4-hour performance (< 76 amber, < 60 red, d 2 points).
        (
            "ed_four_hour",
            BELOW,
            76,
            60,
            (75.0, 77.0, 77.9, 78.0),
            ["amber", "amber", "amber", None],
        ),
        ("ed_four_hour", BELOW, 76, 60, (59.0, 61.9, 62.0), ["red", "red", "amber"]),
        # Patients in the ED over 12 h (≥ 1 amber, ≥ 5 red, d 1).
        ("ed_twelve_hour", AT_LEAST, 1, 5, (1, 0), ["amber", None]),
        ("ed_twelve_hour", AT_LEAST, 1, 5, (6, 5, 4, 0), ["red", "red", "amber", None]),
        # C2 mean response in minutes (> 30 amber, > 60 red, d 2 minutes).
        ("cat2_mean", ABOVE, 30, 60, (31.0, 29.0, 28.5, 28.0), ["amber", "amber", "amber", None]),
        ("cat2_mean", ABOVE, 30, 60, (61.0, 58.5, 58.0), ["red", "red", "amber"]),
        # Open actions past due (≥ 1 amber, d 1).
        ("action_overdue", AT_LEAST, 1, None, (2, 1, 0), ["amber", "amber", None]),
    ],
)
def test_the_rules_other_work_adds_have_their_deadband(
    code, comparison, amber, red, values, expected
):
    spec = RuleSpec(code, amber, red, DEFAULT_DEADBANDS[code])
    held = None
    seen = []
    for value in values:
        held = severity_held(value, spec, comparison, held)
        seen.append(held)
    assert seen == expected


def test_a_null_figure_neither_raises_nor_closes():
    open_alerts = step("site_occupancy", occupancy(93.0))
    assert ("site_occupancy", "LRI") in open_alerts
    kept = step("site_occupancy", occupancy(None), open_alerts)
    assert kept == open_alerts
    assert step("site_occupancy", occupancy(None)) == {}


def test_an_open_alert_of_a_disabled_rule_is_not_kept():
    open_alerts = {("site_occupancy", "LRI"): Condition("site", "amber", "m")}
    result = alerts_desired(
        figures=occupancy(None),
        rules=[],
        now=NOW,
        opel_thresholds=OPEL_THRESHOLDS,
        open_alerts=open_alerts,
    )
    assert result == {}


def test_deadband_zero_closes_as_soon_as_the_condition_stops():
    spec = RuleSpec("site_occupancy", 92, 95, 0)
    assert severity_held(91.9, spec, AT_LEAST, "amber") is None
    assert severity_held(92.0, spec, AT_LEAST, "amber") == "amber"
    assert severity_held(94.9, spec, AT_LEAST, "red") == "amber"


def test_c2_mean_response_closes_only_at_28_minutes():
    """The cat2_mean rule as defined (> 30 amber, > 60 red, d 2 minutes)."""

    def c2(minutes):
        return Figures(organisations=(OrganisationFigures("RX9", cat2_mean_min=minutes),))

    seen = run("cat2_mean", "RX9", [c2(m) for m in (61.0, 59.0, 58.0, 29.0, 28.0, None)])
    assert seen == ["red", "red", "amber", "amber", None, None]
