"""DOMAIN.md "Beds and occupancy" on plain values: no database, no clock."""

import pytest

from apps.beds.choices import BedStatus
from apps.beds.rules import (
    Occupancy,
    bed_gap,
    bed_list_occupancy,
    bed_status_held,
    counts_problems,
    occupancy_pct,
    occupancy_total,
)

OCC, V, C, N = BedStatus.OCCUPIED, BedStatus.VACANT, BedStatus.CLOSED, BedStatus.NOT_OPEN


def _worked_example() -> tuple[Occupancy, Occupancy]:
    # Ward A (20 core, 2 escalation): 17 core occupied, 2 vacant, 1 closed, one escalation
    # bed occupied (the other not listed). Ward B (10 core): 10 occupied.
    ward_a = bed_list_occupancy(
        [(False, OCC)] * 17 + [(False, V)] * 2 + [(False, C)] + [(True, OCC), (True, N)]
    )
    ward_b = bed_list_occupancy([(False, OCC)] * 10)
    return ward_a, ward_b


def test_it_gives_the_worked_example_of_domain_md():
    site = occupancy_total(_worked_example())
    assert site.block(standard_pct=92) == {
        "occupied": 28,
        "available": 30,
        "pct": 93.3,
        "core_open": 29,
        "escalation_open": 1,
        "closed": 1,
        "bed_gap": 1,
    }


def test_it_counts_ward_a_of_the_worked_example():
    ward_a, _ = _worked_example()
    assert ward_a == Occupancy(occupied=18, vacant=2, closed=1, escalation_open=1)
    assert ward_a.core_open == 19


def test_pct_is_null_when_no_bed_is_open():
    assert occupancy_pct(0, 0) is None
    assert Occupancy().block(standard_pct=92)["pct"] is None
    assert Occupancy().bed_gap(standard_pct=92) == 0


def test_all_closed_has_no_pct_and_no_gap():
    ward = bed_list_occupancy([(False, C)] * 12)
    assert ward.block(standard_pct=92) == {
        "occupied": 0,
        "available": 0,
        "pct": None,
        "core_open": 0,
        "escalation_open": 0,
        "closed": 12,
        "bed_gap": 0,
    }


def test_escalation_only_counts_open_escalation_beds_not_closed_ones():
    ward = bed_list_occupancy([(True, OCC), (True, OCC), (True, V), (True, N), (True, N)])
    assert ward.block(standard_pct=92) == {
        "occupied": 2,
        "available": 3,
        "pct": 66.7,
        "core_open": 0,
        "escalation_open": 3,
        "closed": 0,
        "bed_gap": 0,  # ceil(200 / 92) = 3 beds needed, 3 open
    }


@pytest.mark.parametrize(
    ("occupied", "available", "pct"),
    [
        (1, 8, 12.5),  # exact
        (1, 16, 6.3),  # 6.25 rounds half up
        (1, 3, 33.3),
        (2, 3, 66.7),
        (999, 1000, 99.9),
        (1999, 2000, 100.0),  # 99.95 rounds up
        (5, 5, 100.0),
        (6, 5, 120.0),
    ],
)
def test_pct_has_one_decimal_rounded_half_up(occupied, available, pct):
    assert occupancy_pct(occupied, available) == pct


@pytest.mark.parametrize(
    ("occupied", "available", "gap"),
    [
        (92, 100, 0),  # exactly at the standard
        (93, 100, 2),  # ceil(101.09) = 102
        (0, 10, -10),
        (46, 50, 0),
        (47, 50, 2),  # ceil(51.09) = 52
        (28, 30, 1),
    ],
)
def test_bed_gap_is_whole_number_arithmetic(occupied, available, gap):
    assert bed_gap(occupied, available, standard_pct=92) == gap


def test_bed_gap_follows_another_standard_when_given():
    assert bed_gap(95, 100, standard_pct=95) == 0
    assert bed_gap(95, 100, standard_pct=92) == 4  # ceil(103.26) = 104


def test_a_shut_escalation_bed_is_not_open_not_closed():
    assert bed_status_held(C, escalation=True) == N
    assert bed_status_held(C, escalation=False) == C
    assert bed_status_held(OCC, escalation=True) == OCC


def test_counts_that_fit_the_estate_have_no_problems():
    fits = Occupancy(occupied=20, vacant=8, closed=2, escalation_open=2)
    assert counts_problems(fits, core_beds=28, escalation_beds=4) == {}
    full = Occupancy(occupied=30, vacant=2, closed=0, escalation_open=4)
    assert counts_problems(full, core_beds=28, escalation_beds=4) == {}


@pytest.mark.parametrize(
    ("counts", "blamed"),
    [
        (Occupancy(occupied=10, vacant=0, closed=23, escalation_open=5), {"escalation_open"}),
        (Occupancy(occupied=1, vacant=0, closed=0, escalation_open=2), {"escalation_open"}),
        (Occupancy(occupied=0, vacant=0, closed=29, escalation_open=0), {"closed"}),
        (Occupancy(occupied=30, vacant=3, closed=0, escalation_open=4), {"non_field_errors"}),
        (Occupancy(occupied=20, vacant=5, closed=5, escalation_open=0), {"non_field_errors"}),
        # Core beds left unaccounted for: 10 + 5 of 28, closed left out.
        (Occupancy(occupied=10, vacant=5, closed=0, escalation_open=0), {"non_field_errors"}),
        (Occupancy(occupied=20, vacant=3, closed=1, escalation_open=0), {"non_field_errors"}),
    ],
)
def test_counts_that_do_not_fit_the_estate_are_named(counts, blamed):
    assert set(counts_problems(counts, core_beds=28, escalation_beds=4)) == blamed


def test_counts_must_account_for_every_core_bed():
    """DOMAIN.md "Beds": occupied + vacant - escalation_open + closed = core beds."""
    short = Occupancy(occupied=10, vacant=5, closed=0, escalation_open=0)
    assert counts_problems(short, core_beds=28, escalation_beds=4, ward="LRI-W22") == {
        "non_field_errors": [
            "LRI-W22: 10 occupied + 5 vacant - 0 escalation_open + 0 closed = 15, but the ward "
            "has 28 core beds: every core bed must be counted as occupied, vacant or closed."
        ]
    }
    exact = Occupancy(occupied=10, vacant=5, closed=13, escalation_open=0)
    assert counts_problems(exact, core_beds=28, escalation_beds=4) == {}
