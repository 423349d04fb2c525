"""Properties of the domain rules (DOMAIN.md), checked over generated values.

Each property is checked against an independent reference (exact fractions) or a structural
law (partition, nesting, additivity, monotonicity), not against the implementation itself.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.ambulance import rules as amb
from apps.beds import rules as beds
from apps.beds.choices import BedStatus
from apps.core import localtime as lt
from apps.discharge import rules as dis
from apps.discharge.choices import Pathway, PlanStatus
from apps.escalation import rules as esc
from apps.virtualwards import rules as vw
from apps.virtualwards.choices import UtilisationBand

# Per test, not a global profile: other suites keep their own Hypothesis settings.
prop = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

counts = st.integers(min_value=0, max_value=5000)


def half_up_one_dp(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- beds


@st.composite
def occupied_available(draw):
    available = draw(counts)
    return draw(st.integers(0, available)), available


@prop
@given(occupied_available())
def test_beds_pct_is_within_0_and_100_and_is_the_exact_ratio_rounded_half_up(pair):
    occupied, available = pair
    pct = beds.occupancy_pct(occupied, available)
    if available == 0:
        assert pct is None
    else:
        assert 0 <= pct <= 100
        assert pct == half_up_one_dp(Fraction(100 * occupied, available))


@prop
@given(counts, counts)
def test_beds_pct_is_none_exactly_when_nothing_is_open(occupied, available):
    assert (beds.occupancy_pct(occupied, available) is None) == (available == 0)


@prop
@given(counts, counts)
def test_beds_gap_is_the_fewest_extra_beds_that_reach_92_per_cent(occupied, available):
    gap = beds.bed_gap(occupied, available, standard_pct=92)
    # No more than 92% occupied with the gap filled, and more than 92% with one bed fewer.
    assert 100 * occupied <= 92 * (available + gap)
    assert 100 * occupied > 92 * (available + gap - 1)
    assert (gap <= 0) == (100 * occupied <= 92 * available)


occupancies = st.builds(beds.Occupancy, counts, counts, counts, counts)


@prop
@given(st.lists(occupancies, max_size=8))
def test_beds_site_pct_lies_between_its_wards_pcts(parts):
    total = beds.occupancy_total(parts)
    assert total.occupied == sum(p.occupied for p in parts)
    assert total.available == sum(p.available for p in parts)
    assert total.core_open + total.escalation_open == total.available
    ratios = [Fraction(p.occupied, p.available) for p in parts if p.available]
    if ratios:
        exact = Fraction(total.occupied, total.available)
        assert min(ratios) <= exact <= max(ratios)
        assert total.pct == half_up_one_dp(100 * exact)
    else:
        assert total.pct is None


@st.composite
def wards_with_bed_lists(draw):
    core = draw(st.integers(0, 40))
    escalation = draw(st.integers(0, 8))
    reported = st.sampled_from([BedStatus.OCCUPIED, BedStatus.VACANT, BedStatus.CLOSED])
    beds_held = [(False, draw(reported)) for _ in range(core)]
    for _ in range(escalation):
        listed = draw(st.booleans())
        status = draw(reported) if listed else BedStatus.NOT_OPEN
        beds_held.append((True, beds.bed_status_held(status, escalation=True)))
    return core, escalation, beds_held


@prop
@given(wards_with_bed_lists())
def test_beds_counts_from_a_full_bed_list_always_fit_the_ward(ward):
    core, escalation, held = ward
    occupancy = beds.bed_list_occupancy(held)
    assert beds.counts_problems(occupancy, core_beds=core, escalation_beds=escalation) == {}
    assert occupancy.core_open + occupancy.closed == core
    assert occupancy.escalation_open <= escalation
    assert occupancy.available == sum(
        1 for _e, s in held if s in (BedStatus.OCCUPIED, BedStatus.VACANT)
    )


@prop
@given(counts, counts, counts, counts, st.integers(0, 60), st.integers(0, 10))
def test_beds_counts_that_fit_are_exactly_those_a_bed_list_could_give(
    occupied, vacant, closed, escalation_open, core, escalation
):
    counts_ = beds.Occupancy(occupied, vacant, closed, escalation_open)
    fits = not beds.counts_problems(counts_, core_beds=core, escalation_beds=escalation)
    # A bed list accounts for every core bed (open or closed): counts must too.
    possible = (
        escalation_open <= min(escalation, occupied + vacant) and counts_.core_open + closed == core
    )
    assert fits == possible


# --------------------------------------------------------------------------- ambulance

T0 = datetime(2026, 3, 1, tzinfo=UTC)
moments = st.integers(0, 400 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))


@st.composite
def arrivals(draw):
    arrived = draw(st.integers(0, 3 * 24 * 60))
    handed = draw(st.one_of(st.none(), st.integers(0, 24 * 60)))
    cleared = draw(st.one_of(st.none(), st.integers(0, 120)))
    arrived_at = T0 + timedelta(minutes=arrived, seconds=draw(st.integers(0, 59)))
    handover_at = None if handed is None else arrived_at + timedelta(minutes=handed)
    cleared_at = None
    if cleared is not None:
        cleared_at = (handover_at or arrived_at) + timedelta(minutes=cleared)
    return amb.Arrival(arrived_at, handover_at, cleared_at)


now_after_t0 = st.integers(0, 5 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m))


@prop
@given(st.lists(arrivals(), max_size=30), now_after_t0, st.integers(0, 60))
def test_ambulance_bands_are_nested_and_lost_time_is_never_negative(items, now, standard):
    totals = amb.day_totals(items, now=now, standard_min=standard)
    assert 0 <= totals.over_60 <= totals.over_30 <= totals.over_15 <= totals.arrivals
    assert 0 <= totals.handed_over <= totals.arrivals == len(items)
    assert totals.lost_seconds >= 0
    figures = amb.day_figures(totals)
    assert figures["lost_hours"] >= 0
    for arrival in items:
        minutes = amb.handover_min(arrival, now=now)
        if minutes is not None:
            assert 0 <= minutes <= 24 * 60
            assert amb.lost_min(minutes, standard_min=standard) >= 0


@prop
@given(st.lists(arrivals(), max_size=15), st.lists(arrivals(), max_size=15), now_after_t0)
def test_ambulance_day_totals_add_up_over_sites(first, second, now):
    whole = amb.day_totals(first + second, now=now, standard_min=15)
    parts = amb.day_totals(first, now=now, standard_min=15) + amb.day_totals(
        second, now=now, standard_min=15
    )
    assert whole == parts


@prop
@given(st.lists(arrivals(), min_size=1, max_size=20), now_after_t0)
def test_ambulance_mean_lies_between_the_shortest_and_longest_handover(items, now):
    handed = [a for a in items if a.handover_at is not None]
    mean = amb.mean_handover_min(amb.day_totals(items, now=now, standard_min=15))
    if not handed:
        assert mean is None
        return
    minutes = [amb.handover_min(a, now=now) for a in handed]
    assert round(min(minutes), 1) - 0.05 <= mean <= round(max(minutes), 1) + 0.05


@prop
@given(arrivals(), now_after_t0, st.integers(1, 600))
def test_ambulance_a_wait_never_shrinks_as_time_passes(arrival, now, later_min):
    later = now + timedelta(minutes=later_min)
    before, after = amb.handover_min(arrival, now=now), amb.handover_min(arrival, now=later)
    if before is not None:
        assert after >= before


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@prop
@given(days)
def test_ambulance_local_days_are_23_24_or_25_hours_and_tile_time(day):
    start, end = lt.local_day_bounds(day)
    hours = (end - start) / timedelta(hours=1)
    expected = 24
    if day == last_sunday(day.year, 3):
        expected = 23
    elif day == last_sunday(day.year, 10):
        expected = 25
    assert hours == expected
    assert lt.local_day_bounds(day + timedelta(days=1))[0] == end
    assert lt.local_date(start) == day
    assert lt.local_date(end - timedelta(microseconds=1)) == day
    assert lt.local_date(end) == day + timedelta(days=1)
    assert (lt.local_day_start(day), lt.local_day_end(day)) == (start, end)


# --------------------------------------------------------------------------- discharge

S1_DAY = date(2026, 11, 23)
plan_dates = st.one_of(st.none(), st.integers(-40, 40).map(lambda d: S1_DAY + timedelta(days=d)))


@st.composite
def mofd_lists(draw, max_size=40):
    size = draw(st.integers(0, max_size))
    return [
        dis.Patient(
            ref=f"R{i}",
            mofd_on=S1_DAY - timedelta(days=draw(st.integers(0, 60))),
            pathway=draw(st.sampled_from(Pathway.values)),
            planned_discharge_on=draw(plan_dates),
        )
        for i in range(size)
    ]


@prop
@given(mofd_lists(), mofd_lists())
def test_discharge_plan_columns_and_pathways_partition_the_total(patients, previous):
    figures = dis.s1_figures(patients=patients, previous=previous, day=S1_DAY)
    assert figures.total == len(patients)
    assert figures.planned_today + figures.future_plan + figures.awaiting_outcome == figures.total
    row = figures.as_row(organisation="RWE", name="UHL")
    assert sum(row["by_pathway"].values()) == row["total"]
    assert 0 <= figures.days_21_plus <= figures.days_7_plus <= figures.total
    yesterday = S1_DAY - timedelta(days=1)
    planned_yesterday = {p.ref for p in previous if p.planned_discharge_on == yesterday}
    assert figures.lost_discharges == len(planned_yesterday & {p.ref for p in patients})
    assert figures.planned_today == sum(p.planned_discharge_on == S1_DAY for p in patients)


@prop
@given(plan_dates)
def test_discharge_each_plan_is_in_exactly_one_column(planned):
    status = dis.plan_status(planned, S1_DAY)
    assert status in PlanStatus.values
    lapsed_or_none = planned is None or planned < S1_DAY
    assert (status == PlanStatus.AWAITING_OUTCOME) == lapsed_or_none


@prop
@given(st.lists(mofd_lists(max_size=10), min_size=1, max_size=4))
def test_discharge_the_total_row_sums_the_organisation_rows(lists):
    codes = [(f"O{i}", f"Org {i}") for i in range(len(lists))]
    table = dis.s1_compute(
        day=S1_DAY,
        organisations=codes,
        lists={code: lst for (code, _n), lst in zip(codes, lists, strict=True)},
        previous_lists={},
    )
    for field in ("total", "planned_today", "future_plan", "awaiting_outcome", "days_7_plus"):
        assert table["total"][field] == sum(r[field] for r in table["rows"])
    for pathway in Pathway.values:
        assert table["total"]["by_pathway"][pathway] == sum(
            r["by_pathway"][pathway] for r in table["rows"]
        )


def reference_check_digit(first_nine: str) -> int | None:
    """NHS Modulus 11: weights 10..2, check = 11 - (sum mod 11); 11 → 0; 10 → no number."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    check = (11 - remainder) % 11
    return None if check == 10 else check


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@prop
@given(nine_digits, st.integers(0, 9))
def test_discharge_modulus_11_accepts_exactly_the_correct_check_digit(first_nine, check):
    expected = reference_check_digit(first_nine)
    assert dis.nhs_number_valid(f"{first_nine}{check}") == (check == expected)


@prop
@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_discharge_modulus_11_catches_any_single_digit_error(first_nine, position, shift):
    check = reference_check_digit(first_nine)
    assume(check is not None)
    number = f"{first_nine}{check}"
    wrong = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    assert not dis.nhs_number_valid(wrong)


@prop
@given(nine_digits, st.integers(0, 8))
def test_discharge_modulus_11_catches_swapped_neighbours(first_nine, position):
    check = reference_check_digit(first_nine)
    assume(check is not None)
    number = f"{first_nine}{check}"
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    assert not dis.nhs_number_valid(swapped)


@prop
@given(st.text(max_size=12))
def test_discharge_modulus_11_refuses_anything_but_ten_ascii_digits(text):
    if not (len(text) == 10 and text.isascii() and text.isdigit()):
        assert not dis.nhs_number_valid(text)


# --------------------------------------------------------------------------- virtual wards


@prop
@given(counts, counts)
def test_virtual_wards_utilisation_is_the_exact_ratio_rounded_half_up(occupied, capacity):
    pct = vw.utilisation_pct(occupied=occupied, capacity=capacity)
    if capacity == 0:
        assert pct is None
    else:
        assert pct == half_up_one_dp(Fraction(100 * occupied, capacity))


@prop
@given(counts, counts)
def test_virtual_wards_band_follows_the_exact_ratio(occupied, capacity):
    band = vw.utilisation_band(occupied=occupied, capacity=capacity, ambition_pct=80)
    if occupied > capacity:
        assert band == UtilisationBand.OVER_CAPACITY
    elif capacity == 0:
        assert band == UtilisationBand.UNKNOWN
    elif Fraction(occupied, capacity) >= Fraction(80, 100):
        assert band == UtilisationBand.AT_AMBITION
    else:
        assert band == UtilisationBand.BELOW_AMBITION


@prop
@given(counts, counts, st.integers(1, 20_000_000))
def test_virtual_wards_per_100k_grows_with_capacity(capacity, extra, population):
    low = vw.per_100k(capacity=capacity, population=population)
    high = vw.per_100k(capacity=capacity + extra, population=population)
    assert 0 <= low <= high
    assert low == half_up_one_dp(Fraction(capacity * 100_000, population))


@prop
@given(days, days)
def test_virtual_wards_months_between_are_consecutive_first_days(a, b):
    first, last = min(a, b), max(a, b)
    months = vw.months_between(first, last)
    assert months[0] == vw.month_start(first) and months[-1] == vw.month_start(last)
    assert len(months) == (last.year - first.year) * 12 + last.month - first.month + 1
    for earlier, later in itertools.pairwise(months):
        assert later == vw.next_month(earlier) and later.day == 1


@prop
@given(days)
def test_virtual_wards_a_month_ends_where_the_next_local_month_starts(day):
    month = vw.month_start(day)
    end = vw.month_end(month)
    assert vw.local_month(end - timedelta(microseconds=1)) == month
    assert vw.local_month(end) == vw.next_month(month)


# --------------------------------------------------------------------------- escalation

THRESHOLDS = {
    "occupancy_pct": (92, 95, 98),
    "mean_handover_min": (15, 30, 60),
    "escalation_pct": (2, 5, 10),
    "mofd_pct": (10, 15, 20),
    "ed_four_hour_pct": (76, 70, 60),
    "ed_over_12h_pct": (2, 5, 10),
}
values = st.one_of(st.none(), st.floats(0, 200, allow_nan=False))
opel_inputs = st.fixed_dictionaries({name: values for name in esc.OPEL_PARAMETERS})


@prop
@given(st.floats(-10, 300, allow_nan=False), st.floats(0, 50, allow_nan=False))
def test_escalation_a_parameter_level_is_1_to_4_and_rises_with_its_value(value, increase):
    for name, bounds in THRESHOLDS.items():
        if name in esc.OPEL_DESCENDING:
            level = esc.opel_parameter_level(value, bounds, descending=True)
            assert 1 <= level <= 4
            lower = esc.opel_parameter_level(value - increase, bounds, descending=True)
            assert lower >= level
            continue
        level = esc.opel_parameter_level(value, bounds)
        assert 1 <= level <= 4
        assert esc.opel_parameter_level(value + increase, bounds) >= level


@prop
@given(opel_inputs)
def test_escalation_site_opel_is_1_to_4_between_its_parameters_or_none(inputs):
    result = esc.opel_site(inputs, THRESHOLDS)
    levels = [p.level for p in result.parameters.values() if p.level is not None]
    if all(v is None for v in inputs.values()):
        assert result.level is None
    else:
        assert 1 <= result.level <= 4
        assert min(levels) <= result.level <= max(levels)


@prop
@given(opel_inputs, st.sampled_from(esc.OPEL_PARAMETERS), st.floats(0, 100, allow_nan=False))
def test_escalation_site_opel_never_falls_when_one_parameter_worsens(inputs, name, increase):
    assume(inputs[name] is not None)
    step = -increase if name in esc.OPEL_DESCENDING else increase
    worse = {**inputs, name: inputs[name] + step}
    assert esc.opel_site(worse, THRESHOLDS).level >= esc.opel_site(inputs, THRESHOLDS).level


site_opels = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(1, 4)), st.one_of(st.none(), counts)),
    max_size=8,
)


@prop
@given(site_opels)
def test_escalation_system_opel_lies_between_the_weighted_sites(sites):
    level = esc.opel_system(sites)
    weighted = [lvl for lvl, available in sites if lvl is not None and available]
    if not weighted:
        assert level is None
    else:
        assert min(weighted) <= level <= max(weighted)


@prop
@given(site_opels, st.integers(0, 7))
def test_escalation_system_opel_never_falls_when_a_site_worsens(sites, index):
    assume(sites)
    index %= len(sites)
    level, available = sites[index]
    assume(level is not None and level < 4)
    worse = [*sites[:index], (level + 1, available), *sites[index + 1 :]]
    before, after = esc.opel_system(sites), esc.opel_system(worse)
    if before is not None:
        assert after >= before


@prop
@given(
    st.floats(0, 300, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 50, allow_nan=False),
)
def test_escalation_severity_never_falls_as_a_figure_worsens(value, amber, gap, worsen):
    rank = {None: 0, "amber": 1, "red": 2}
    for comparison in (esc.AT_LEAST, esc.ABOVE):
        spec = esc.RuleSpec("x", amber=amber, red=amber + gap)
        before = esc.rule_severity(value, spec, comparison)
        after = esc.rule_severity(value + worsen, spec, comparison)
        assert rank[after] >= rank[before]
    spec = esc.RuleSpec("x", amber=amber)
    before = esc.rule_severity(value, spec, esc.BELOW)
    after = esc.rule_severity(max(0.0, value - worsen), spec, esc.BELOW)
    assert rank[after] >= rank[before] and after != "red"


@prop
@given(counts, st.integers(1, 5000))
def test_escalation_percentages_are_exact_ratios_rounded_half_up(numerator, denominator):
    assert esc.pct_one_decimal(numerator, denominator) == half_up_one_dp(
        Fraction(100 * numerator, denominator)
    )
    assert esc.pct_one_decimal(numerator, 0) is None


@prop
@given(opel_inputs)
def test_escalation_site_opel_is_the_mean_level_rounded_half_up(inputs):
    levels = [
        1
        + sum(
            value < bound if name in esc.OPEL_DESCENDING else value >= bound
            for bound in THRESHOLDS[name]
        )
        for name, value in inputs.items()
        if value is not None
    ]
    assume(levels)
    mean = Fraction(sum(levels), len(levels))
    expected = int(mean) + (1 if mean - int(mean) >= Fraction(1, 2) else 0)
    assert esc.opel_site(inputs, THRESHOLDS).level == expected


@prop
@given(site_opels)
def test_escalation_system_opel_is_the_weighted_mean_rounded_half_up(sites):
    weighted = [(lvl, a) for lvl, a in sites if lvl is not None and a]
    assume(weighted)
    mean = Fraction(sum(lvl * a for lvl, a in weighted), sum(a for _l, a in weighted))
    expected = int(mean) + (1 if mean - int(mean) >= Fraction(1, 2) else 0)
    assert esc.opel_system(sites) == expected
