"""Rules and OPEL on plain figures: no database, no clock."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.escalation.rules import (
    Figures,
    OrganisationFigures,
    RuleSpec,
    SiteFigures,
    SystemFigures,
    alerts_desired,
    opel_drivers,
    opel_inputs,
    opel_parameter_level,
    opel_site,
    opel_system,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
OPEL_THRESHOLDS = {
    "occupancy_pct": (92, 95, 98),
    "mean_handover_min": (15, 30, 60),
    "escalation_pct": (2, 5, 10),
    "mofd_pct": (10, 15, 20),
    "ed_four_hour_pct": (76, 70, 60),
    "ed_over_12h_pct": (2, 5, 10),
}
DEFAULTS = {
    "site_occupancy": RuleSpec("site_occupancy", 92, 95),
    "ambulance_wait": RuleSpec("ambulance_wait", 30, 45),
    "site_opel": RuleSpec("site_opel", 3, 4),
    "mofd_p1_p3": RuleSpec("mofd_p1_p3", 50, None),
    "vw_utilisation": RuleSpec("vw_utilisation", 80, None),
    "stale_bed_sitrep": RuleSpec("stale_bed_sitrep", 4, 8),
}


def desired(figures, *codes):
    return alerts_desired(
        figures=figures,
        rules=[DEFAULTS[c] for c in codes],
        now=NOW,
        opel_thresholds=OPEL_THRESHOLDS,
    )


def severities(result):
    return {key: condition.severity for key, condition in result.items()}


def sites(**by_code):
    return Figures(
        sites=tuple(
            SiteFigures(code=code, organisation="RWE", **values) for code, values in by_code.items()
        )
    )


# --------------------------------------------------------------------------- rules


def test_site_occupancy_is_amber_from_92_and_red_from_95():
    figures = sites(
        A={"occupancy_pct": 91.9},
        B={"occupancy_pct": 92.0},
        C={"occupancy_pct": 94.9},
        D={"occupancy_pct": 95.0},
        E={"occupancy_pct": None},
    )
    assert severities(desired(figures, "site_occupancy")) == {
        ("site_occupancy", "B"): "amber",
        ("site_occupancy", "C"): "amber",
        ("site_occupancy", "D"): "red",
    }


def test_the_message_names_the_figure_and_the_threshold():
    result = desired(sites(X={"occupancy_pct": 95.3}), "site_occupancy")
    condition = result[("site_occupancy", "X")]
    assert condition.scope_kind == "site"
    assert condition.message == "X: adult G&A occupancy 95.3% (red at ≥ 95%)"


def test_ambulance_wait_is_strictly_over_30_and_45():
    figures = sites(
        A={"longest_wait_min": 30},
        B={"longest_wait_min": 31},
        C={"longest_wait_min": 45},
        D={"longest_wait_min": 46},
        E={"longest_wait_min": 0},
    )
    assert severities(desired(figures, "ambulance_wait")) == {
        ("ambulance_wait", "B"): "amber",
        ("ambulance_wait", "C"): "amber",
        ("ambulance_wait", "D"): "red",
    }


def test_site_opel_is_amber_at_3_and_red_at_4():
    figures = sites(
        L2={"occupancy_pct": 93.0},
        L3={"occupancy_pct": 96.0},
        L4={"occupancy_pct": 99.0, "mean_handover_min_today": 70.0},
        NONE={},
    )
    assert severities(desired(figures, "site_opel")) == {
        ("site_opel", "L3"): "amber",
        ("site_opel", "L4"): "red",
    }


def test_mofd_on_p1_to_p3_is_amber_over_50_for_acute_organisations_only():
    figures = Figures(
        organisations=(
            OrganisationFigures(code="RWE", is_acute=True, mofd_total=70, mofd_p1_p3=51),
            OrganisationFigures(code="ACU", is_acute=True, mofd_total=70, mofd_p1_p3=50),
            OrganisationFigures(code="RT5", is_acute=False, mofd_total=90, mofd_p1_p3=80),
            OrganisationFigures(code="NEW", is_acute=True),
        )
    )
    assert severities(desired(figures, "mofd_p1_p3")) == {("mofd_p1_p3", "RWE"): "amber"}


def test_mofd_has_no_red_however_high():
    figures = Figures(organisations=(OrganisationFigures("RWE", True, 900, 800),))
    assert severities(desired(figures, "mofd_p1_p3")) == {("mofd_p1_p3", "RWE"): "amber"}


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(79.9, {("vw_utilisation", "system"): "amber"}), (80.0, {}), (None, {})],
)
def test_virtual_ward_utilisation_is_amber_below_80_for_the_system(pct, expected):
    figures = Figures(system=SystemFigures(vw_utilisation_pct=pct))
    assert severities(desired(figures, "vw_utilisation")) == expected


def test_a_bed_sitrep_is_stale_after_4_hours_and_red_after_8():
    figures = sites(
        FRESH={"last_sitrep_at": NOW - timedelta(hours=4)},
        AMBER={"last_sitrep_at": NOW - timedelta(hours=4, minutes=1)},
        EIGHT={"last_sitrep_at": NOW - timedelta(hours=8)},
        RED={"last_sitrep_at": NOW - timedelta(hours=8, minutes=1)},
        NEVER={"last_sitrep_at": None},
    )
    result = desired(figures, "stale_bed_sitrep")
    assert severities(result) == {
        ("stale_bed_sitrep", "AMBER"): "amber",
        ("stale_bed_sitrep", "EIGHT"): "amber",
        ("stale_bed_sitrep", "RED"): "red",
    }
    assert "no bed sitrep for 8.02 h" in result[("stale_bed_sitrep", "RED")].message


def test_thresholds_are_data():
    figures = sites(A={"occupancy_pct": 90.0})
    result = alerts_desired(
        figures=figures,
        rules=[RuleSpec("site_occupancy", 85, 90)],
        now=NOW,
        opel_thresholds=OPEL_THRESHOLDS,
    )
    assert severities(result) == {("site_occupancy", "A"): "red"}


def test_a_rule_left_out_raises_nothing():
    figures = sites(A={"occupancy_pct": 99.0, "longest_wait_min": 90})
    assert set(desired(figures, "ambulance_wait")) == {("ambulance_wait", "A")}


# --------------------------------------------------------------------------- OPEL


@pytest.mark.parametrize(
    ("value", "level"),
    [(0, 1), (91.9, 1), (92, 2), (94.9, 2), (95, 3), (97.9, 3), (98, 4), (120, 4)],
)
def test_each_parameter_level_starts_at_its_lower_bound(value, level):
    assert opel_parameter_level(value, (92, 95, 98)) == level


def test_site_opel_of_levels_3_3_2_is_3():
    result = opel_site(
        {"occupancy_pct": 96.0, "mean_handover_min": 45.0, "escalation_pct": 3.0},
        OPEL_THRESHOLDS,
    )
    assert {name: p.level for name, p in result.parameters.items()} == {
        "occupancy_pct": 3,
        "mean_handover_min": 3,
        "escalation_pct": 2,
        "mofd_pct": None,
        "ed_four_hour_pct": None,
        "ed_over_12h_pct": None,
    }
    assert result.level == 3  # 8 / 3 = 2.67


def test_site_opel_of_levels_2_and_3_rounds_half_up_to_3():
    result = opel_site({"occupancy_pct": 93.0, "mean_handover_min": 30.0}, OPEL_THRESHOLDS)
    assert result.level == 3  # 2.5


def test_site_opel_of_levels_1_1_2_is_1():
    result = opel_site(
        {"occupancy_pct": 80.0, "mean_handover_min": 10.0, "escalation_pct": 2.0},
        OPEL_THRESHOLDS,
    )
    assert result.level == 1  # 1.33


def test_site_opel_without_data_is_none():
    assert opel_site({}, OPEL_THRESHOLDS).level is None


def test_opel_inputs_come_from_the_site_and_its_organisation():
    site = SiteFigures(
        code="RWE-LRI",
        organisation="RWE",
        occupancy_pct=93.3,
        available=40,
        escalation_open=2,
        occupied=37,
        mean_handover_min_today=46.0,
    )
    organisation = OrganisationFigures(
        code="RWE", is_acute=True, mofd_total=12, occupied_ga_adult=80
    )
    assert opel_inputs(site, organisation) == {
        "occupancy_pct": 93.3,
        "mean_handover_min": 46.0,
        "escalation_pct": 5.0,
        "mofd_pct": 15.0,
        "ed_four_hour_pct": None,
        "ed_over_12h_pct": None,
    }
    result = opel_site(opel_inputs(site, organisation), OPEL_THRESHOLDS)
    assert [p.level for p in result.parameters.values()] == [2, 3, 3, 3, None, None]
    assert result.level == 3  # 11 / 4 = 2.75


def test_opel_inputs_without_open_beds_have_no_percentages():
    site = SiteFigures(code="S", organisation="O", available=0, escalation_open=0)
    organisation = OrganisationFigures(code="O", mofd_total=5, occupied_ga_adult=0)
    inputs = opel_inputs(site, organisation)
    assert inputs["escalation_pct"] is None and inputs["mofd_pct"] is None


def test_system_opel_is_weighted_by_available_beds():
    # (4 * 100 + 1 * 20) / 120 = 3.5 → 4; unweighted it would be 2.5 → 3.
    assert opel_system([(4, 100), (1, 20)]) == 4
    # (2 * 30 + 3 * 10) / 40 = 2.25 → 2
    assert opel_system([(2, 30), (3, 10)]) == 2


def test_system_opel_ignores_sites_without_an_opel_or_beds():
    assert opel_system([(None, 100), (2, 0), (3, None), (1, 10)]) == 1
    assert opel_system([(None, 100)]) is None
    assert opel_system([]) is None


@pytest.mark.parametrize(
    "code,value,status",
    [
        ("site_occupancy", 91.9, "ok"),
        ("site_occupancy", 92.0, "amber"),  # at least: the standard itself is amber
        ("site_occupancy", 95.0, "red"),
        ("ambulance_wait", 30, "ok"),  # above: 30 min is not yet amber
        ("ambulance_wait", 31, "amber"),
        ("ambulance_wait", 46, "red"),
        ("vw_utilisation", 80.0, "ok"),  # below: the ambition met
        ("vw_utilisation", 79.9, "amber"),
    ],
)
def test_a_figures_colour_is_the_alert_its_rule_would_raise(code, value, status):
    from apps.escalation.rules import RuleSpec, rule_status

    specs = {
        "site_occupancy": RuleSpec("site_occupancy", amber=92, red=95),
        "ambulance_wait": RuleSpec("ambulance_wait", amber=30, red=45),
        "vw_utilisation": RuleSpec("vw_utilisation", amber=80),
    }
    assert rule_status(code, value, specs[code]) == status


@pytest.mark.parametrize(
    ("value", "level"),
    [(100, 1), (76, 1), (75.9, 2), (70, 2), (69.9, 3), (60, 3), (59.9, 4), (0, 4)],
)
def test_ed_four_hour_opel_level_rises_as_performance_falls(value, level):
    assert opel_parameter_level(value, (76, 70, 60), descending=True) == level


def test_ed_parameters_join_the_site_opel():
    site = SiteFigures(
        code="RWE-LRI",
        organisation="RWE",
        occupancy_pct=93.0,
        ed_four_hour_pct_today=58.0,
        ed_over_12h_now=3,
        ed_over_12h_now_pct=6.0,
    )
    result = opel_site(opel_inputs(site, None), OPEL_THRESHOLDS)
    assert result.parameters["ed_four_hour_pct"].level == 4
    assert result.parameters["ed_over_12h_pct"].level == 3
    assert result.level == 3  # (2 + 4 + 3) / 3


def test_ed_rules_raise_below_76_percent_and_at_one_patient_over_12_hours():
    figures = Figures(
        sites=(
            SiteFigures(code="A", organisation="O", ed_four_hour_pct_today=75.9, ed_over_12h_now=0),
            SiteFigures(code="B", organisation="O", ed_four_hour_pct_today=59.9, ed_over_12h_now=5),
            SiteFigures(code="C", organisation="O", ed_four_hour_pct_today=76.0, ed_over_12h_now=1),
            SiteFigures(code="D", organisation="O"),
        )
    )
    desired = alerts_desired(
        figures=figures,
        rules=[RuleSpec("ed_four_hour", 76, 60), RuleSpec("ed_twelve_hour", 1, 5)],
        now=NOW,
        opel_thresholds=OPEL_THRESHOLDS,
    )
    assert {key: c.severity for key, c in desired.items()} == {
        ("ed_four_hour", "A"): "amber",
        ("ed_four_hour", "B"): "red",
        ("ed_twelve_hour", "B"): "red",
        ("ed_twelve_hour", "C"): "amber",
    }
    assert desired[("ed_four_hour", "A")].message == (
        "A: ED 4-hour performance today 75.9% (amber at < 76%)"
    )


def test_the_drivers_of_a_sites_opel_are_its_parameters_at_the_highest_level():
    # The worked example: occupancy 93.3% and escalation 3.3% are both level 2.
    assert opel_drivers(
        {"occupancy_pct": 2, "mean_handover_min": None, "escalation_pct": 2, "mofd_pct": None}
    ) == {"occupancy_pct", "escalation_pct"}
    # Levels 2, 3 and 4 give OPEL 3; only the level-4 parameter is at the highest level.
    assert opel_drivers({"occupancy_pct": 2, "mean_handover_min": 3, "escalation_pct": 4}) == {
        "escalation_pct"
    }
    assert opel_drivers({"occupancy_pct": None, "mofd_pct": None}) == set()
