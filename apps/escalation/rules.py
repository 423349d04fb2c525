"""Escalation rules and OPEL as plain functions over plain figures (DOMAIN.md "Escalation").

No ORM, no clock: the figures, the rules' thresholds and ``now`` are passed in.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import floor

from .choices import SEVERITY_RANK, SYSTEM_SCOPE, RuleCode, ScopeKind, Severity

# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class SiteFigures:
    """What the rules and OPEL need of one site, adult G&A. ``None``: no data yet."""

    code: str
    organisation: str
    occupancy_pct: float | None = None
    available: int | None = None
    escalation_open: int | None = None
    occupied: int | None = None
    longest_wait_min: int | None = None
    mean_handover_min_today: float | None = None
    last_sitrep_at: datetime | None = None
    # Emergency department (sites that report attendances; None otherwise).
    ed_four_hour_pct_today: float | None = None
    ed_over_12h_now: int | None = None
    ed_over_12h_now_pct: float | None = None


@dataclass(frozen=True)
class OrganisationFigures:
    code: str
    is_acute: bool = False
    mofd_total: int | None = None
    mofd_p1_p3: int | None = None
    # Occupied adult G&A beds over the organisation's sites that have reported.
    occupied_ga_adult: int | None = None
    # Open actions it owns that are past due now (apps/actions).
    actions_overdue: int = 0
    # An ambulance service's Category 2 mean response today, minutes (None: no response yet).
    cat2_mean_min: float | None = None
    is_ambulance: bool = False
    # An ambulance service's REAP level in force (None: none declared).
    reap_level: int | None = None


@dataclass(frozen=True)
class SystemFigures:
    vw_utilisation_pct: float | None = None


@dataclass(frozen=True)
class Figures:
    sites: tuple[SiteFigures, ...] = ()
    organisations: tuple[OrganisationFigures, ...] = ()
    system: SystemFigures = field(default_factory=SystemFigures)

    def organisation(self, code: str) -> OrganisationFigures | None:
        return next((o for o in self.organisations if o.code == code), None)


def pct_one_decimal(numerator: float, denominator: float) -> float | None:
    """``100 * n / d`` to one decimal place, half up; ``None`` when ``d`` is 0."""
    if not denominator:
        return None
    value = Decimal(100) * Decimal(numerator) / Decimal(denominator)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


# --------------------------------------------------------------------------- OPEL

OPEL_OCCUPANCY_PCT = "occupancy_pct"
OPEL_MEAN_HANDOVER_MIN = "mean_handover_min"
OPEL_ESCALATION_PCT = "escalation_pct"
OPEL_MOFD_PCT = "mofd_pct"
OPEL_ED_FOUR_HOUR_PCT = "ed_four_hour_pct"
OPEL_ED_OVER_12H_PCT = "ed_over_12h_pct"
OPEL_PARAMETERS = (
    OPEL_OCCUPANCY_PCT,
    OPEL_MEAN_HANDOVER_MIN,
    OPEL_ESCALATION_PCT,
    OPEL_MOFD_PCT,
    OPEL_ED_FOUR_HOUR_PCT,
    OPEL_ED_OVER_12H_PCT,
)
# Parameters where a lower value is worse: their bounds are the upper bounds of levels 1, 2
# and 3 ("70 to < 76" is 2, "< 60" is 4).
OPEL_DESCENDING = frozenset({OPEL_ED_FOUR_HOUR_PCT})
OPEL_PARAMETER_LABELS = {
    OPEL_OCCUPANCY_PCT: "Adult G&A occupancy %",
    OPEL_MEAN_HANDOVER_MIN: "Mean handover minutes today",
    OPEL_ESCALATION_PCT: "Escalation beds as % of open adult G&A",
    OPEL_MOFD_PCT: "MOFD patients as % of occupied adult G&A (organisation)",
    OPEL_ED_FOUR_HOUR_PCT: "ED 4-hour performance today, all types %",
    OPEL_ED_OVER_12H_PCT: "Patients in the ED over 12 h now, % of those in the department",
}

# {parameter: (lower bound of level 2, of level 3, of level 4)}
OpelThresholds = Mapping[str, Sequence[float]]


@dataclass(frozen=True)
class ParameterLevel:
    value: float | None
    level: int | None


@dataclass(frozen=True)
class OpelResult:
    """A site's OPEL and the per-parameter levels that drove it (``level`` None: no data)."""

    level: int | None
    parameters: dict[str, ParameterLevel]


def opel_parameter_level(value: float, bounds: Sequence[float], *, descending: bool = False) -> int:
    """1 below the first bound, one more for each bound reached (DOMAIN.md: "92 to < 95" is 2).

    ``descending`` (lower is worse): one more for each bound the value is below ("≥ 76" is 1,
    "70 to < 76" is 2, "< 60" is 4).
    """
    if descending:
        return 1 + sum(1 for bound in bounds if value < bound)
    return 1 + sum(1 for bound in bounds if value >= bound)


def opel_inputs(
    site: SiteFigures, organisation: OrganisationFigures | None
) -> dict[str, float | None]:
    escalation_pct = None
    if site.escalation_open is not None and site.available:
        escalation_pct = pct_one_decimal(site.escalation_open, site.available)
    mofd_pct = None
    if (
        organisation is not None
        and organisation.mofd_total is not None
        and organisation.occupied_ga_adult
    ):
        mofd_pct = pct_one_decimal(organisation.mofd_total, organisation.occupied_ga_adult)
    return {
        OPEL_OCCUPANCY_PCT: site.occupancy_pct,
        OPEL_MEAN_HANDOVER_MIN: site.mean_handover_min_today,
        OPEL_ESCALATION_PCT: escalation_pct,
        OPEL_MOFD_PCT: mofd_pct,
        OPEL_ED_FOUR_HOUR_PCT: site.ed_four_hour_pct_today,
        OPEL_ED_OVER_12H_PCT: site.ed_over_12h_now_pct,
    }


def opel_site(inputs: Mapping[str, float | None], thresholds: OpelThresholds) -> OpelResult:
    """Mean of the levels of the parameters that have data, rounded half up."""
    parameters = {}
    for name in OPEL_PARAMETERS:
        value = inputs.get(name)
        bounds = thresholds.get(name)
        level = (
            None
            if value is None or bounds is None
            else opel_parameter_level(value, bounds, descending=name in OPEL_DESCENDING)
        )
        parameters[name] = ParameterLevel(value=value, level=level)
    levels = [p.level for p in parameters.values() if p.level is not None]
    if not levels:
        return OpelResult(level=None, parameters=parameters)
    return OpelResult(
        level=round_half_up(Fraction(sum(levels), len(levels))), parameters=parameters
    )


def opel_system(sites: Iterable[tuple[int | None, int | None]]) -> int | None:
    """Mean of site OPELs weighted by available adult G&A beds, rounded half up.

    ``sites``: (site OPEL, available adult G&A). Sites without an OPEL or without open beds
    carry no weight; ``None`` when none carries any.
    """
    weighted = total = 0
    for level, available in sites:
        if level is None or not available:
            continue
        weighted += level * available
        total += available
    if not total:
        return None
    return round_half_up(Fraction(weighted, total))


def opel_drivers(levels: Mapping[str, int | None]) -> set[str]:
    """The OPEL drivers of a site (DOMAIN.md, OPEL): its parameters at the highest parameter
    level. ``levels``: parameter name → its level (``None``: no data); none without data."""
    known = [level for level in levels.values() if level is not None]
    if not known:
        return set()
    return {name for name, level in levels.items() if level == max(known)}


def opel_organisation(
    organisation: OrganisationFigures, sites: Iterable[tuple[int | None, int | None]]
) -> int | None:
    """Organisation OPEL (DOMAIN.md "Escalation"): its sites' OPELs weighted by available
    adult G&A beds, rounded half up (``opel_system`` over its sites; ``None`` when none has
    data); an ambulance service shows its REAP level instead."""
    if organisation.is_ambulance:
        return organisation.reap_level
    return opel_system(sites)


def opel_sites(figures: Figures, thresholds: OpelThresholds) -> dict[str, OpelResult]:
    return {
        site.code: opel_site(opel_inputs(site, figures.organisation(site.organisation)), thresholds)
        for site in figures.sites
    }


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Comparison:
    symbol: str
    breaches: Callable[[float, float], bool]

    def worse_or_equal(self, a: float, b: float) -> bool:
        """Is threshold ``a`` at least as bad as ``b`` under this comparison?"""
        return a == b or self.breaches(a, b)

    def cleared(self, value: float, threshold: float, deadband: float) -> bool:
        """Is ``value`` back past ``threshold`` by the deadband (DOMAIN.md "Escalation")?

        For ``≥ T`` and ``> T``: ``value ≤ T − d``; for ``< T``: ``value ≥ T + d``; with
        ``d = 0``, as soon as the condition stops holding.
        """
        if self.breaches(value, threshold):
            return False
        if self.symbol == "<":
            return value >= threshold + deadband
        return value <= threshold - deadband


AT_LEAST = Comparison("≥", operator.ge)
ABOVE = Comparison(">", operator.gt)
BELOW = Comparison("<", operator.lt)


@dataclass(frozen=True)
class RuleSpec:
    """A rule's data: its code, thresholds (``red`` None: no red) and deadband ``d`` (in the
    rule's own unit: points, minutes, a count, hours for the stale sitrep)."""

    code: str
    amber: float
    red: float | None = None
    deadband: float = 0.0


# Default deadband of each rule (DOMAIN.md "Escalation"), in the rule's unit. The stale bed
# sitrep rule counts hours, so its 15 minutes is 0.25. Rules other branches add take theirs
# from here too (the migration's insert trigger holds the same table).
DEFAULT_DEADBANDS: dict[str, float] = {
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


@dataclass(frozen=True)
class Condition:
    scope_kind: str
    severity: str
    message: str


@dataclass(frozen=True)
class RuleDefinition:
    scope_kind: str
    comparison: Comparison
    label: str
    unit: str
    # (figures, now, site OPELs) → [(scope, value)] for every scope that has data.
    measure: Callable[[Figures, datetime, Mapping[str, OpelResult]], Iterable[tuple[str, float]]]


def _site_occupancy(figures, now, opel):
    return [(s.code, s.occupancy_pct) for s in figures.sites if s.occupancy_pct is not None]


def _ambulance_wait(figures, now, opel):
    return [(s.code, s.longest_wait_min) for s in figures.sites if s.longest_wait_min is not None]


def _site_opel(figures, now, opel):
    return [(code, r.level) for code, r in opel.items() if r.level is not None]


def _mofd_p1_p3(figures, now, opel):
    return [
        (o.code, o.mofd_p1_p3)
        for o in figures.organisations
        if o.is_acute and o.mofd_p1_p3 is not None
    ]


def _action_overdue(figures, now, opel):
    return [(o.code, o.actions_overdue) for o in figures.organisations]


def _vw_utilisation(figures, now, opel):
    pct = figures.system.vw_utilisation_pct
    return [] if pct is None else [(SYSTEM_SCOPE, pct)]


def _stale_bed_sitrep(figures, now, opel):
    # Sites that have never reported are "unknown", not stale (DOMAIN.md).
    return [
        (s.code, round((now - s.last_sitrep_at).total_seconds() / 3600, 2))
        for s in figures.sites
        if s.last_sitrep_at is not None
    ]


def _ed_four_hour(figures, now, opel):
    return [
        (s.code, s.ed_four_hour_pct_today)
        for s in figures.sites
        if s.ed_four_hour_pct_today is not None
    ]


def _ed_twelve_hour(figures, now, opel):
    return [(s.code, s.ed_over_12h_now) for s in figures.sites if s.ed_over_12h_now is not None]


def _cat2_mean(figures, now, opel):
    return [(o.code, o.cat2_mean_min) for o in figures.organisations if o.cat2_mean_min is not None]


RULE_DEFINITIONS: dict[str, RuleDefinition] = {
    RuleCode.SITE_OCCUPANCY: RuleDefinition(
        ScopeKind.SITE, AT_LEAST, "adult G&A occupancy", "%", _site_occupancy
    ),
    RuleCode.AMBULANCE_WAIT: RuleDefinition(
        ScopeKind.SITE, ABOVE, "longest ambulance waiting now", " min", _ambulance_wait
    ),
    RuleCode.SITE_OPEL: RuleDefinition(ScopeKind.SITE, AT_LEAST, "OPEL", "", _site_opel),
    RuleCode.MOFD_P1_P3: RuleDefinition(
        ScopeKind.ORGANISATION, ABOVE, "MOFD patients on pathways 1-3", "", _mofd_p1_p3
    ),
    RuleCode.VW_UTILISATION: RuleDefinition(
        ScopeKind.SYSTEM, BELOW, "virtual-ward utilisation", "%", _vw_utilisation
    ),
    RuleCode.STALE_BED_SITREP: RuleDefinition(
        ScopeKind.SITE, ABOVE, "no bed sitrep for", " h", _stale_bed_sitrep
    ),
    RuleCode.ED_FOUR_HOUR: RuleDefinition(
        ScopeKind.SITE, BELOW, "ED 4-hour performance today", "%", _ed_four_hour
    ),
    RuleCode.ED_TWELVE_HOUR: RuleDefinition(
        ScopeKind.SITE, AT_LEAST, "patients in the ED over 12 h", "", _ed_twelve_hour
    ),
    RuleCode.ACTION_OVERDUE: RuleDefinition(
        ScopeKind.ORGANISATION, AT_LEAST, "open actions past due", "", _action_overdue
    ),
    RuleCode.CAT2_MEAN: RuleDefinition(
        ScopeKind.ORGANISATION, ABOVE, "C2 mean response today", " min", _cat2_mean
    ),
}


def _number(value: float) -> str:
    return f"{value:g}" if float(value) == int(value) else f"{value:.2f}".rstrip("0")


def rule_severity(value: float, spec: RuleSpec, comparison: Comparison) -> str | None:
    if spec.red is not None and comparison.breaches(value, spec.red):
        return Severity.RED
    if comparison.breaches(value, spec.amber):
        return Severity.AMBER
    return None


def rule_status(code: str, value: float, spec: RuleSpec) -> str:
    """ "ok", "amber" or "red" for a figure against its rule: the colour a page gives it is the
    alert the rule would raise."""
    return rule_severity(value, spec, RULE_DEFINITIONS[code].comparison) or "ok"


def severity_held(
    value: float, spec: RuleSpec, comparison: Comparison, open_severity: str | None
) -> str | None:
    """The severity an alert has with the figure at ``value``, given the severity it is open
    at now (``None``: not open). Raising and worsening happen at the thresholds; closing and
    stepping down from red to amber only once the figure is past the threshold by the rule's
    deadband (DOMAIN.md "Escalation")."""
    severity = rule_severity(value, spec, comparison)
    if open_severity is None or (
        severity is not None and SEVERITY_RANK[severity] >= SEVERITY_RANK[open_severity]
    ):
        return severity
    if (
        open_severity == Severity.RED
        and spec.red is not None
        and not comparison.cleared(value, spec.red, spec.deadband)
    ):
        return Severity.RED
    if not comparison.cleared(value, spec.amber, spec.deadband):
        return Severity.AMBER
    return None


def alerts_desired(
    *,
    figures: Figures,
    rules: Iterable[RuleSpec],
    now: datetime,
    opel_thresholds: OpelThresholds,
    open_alerts: Mapping[tuple[str, str], Condition] | None = None,
) -> dict[tuple[str, str], Condition]:
    """Which alerts should be open now: ``{(rule code, scope): Condition}``.

    ``open_alerts``: the alerts open now, ``{(rule code, scope): Condition}`` with their
    severity and message. An open alert closes or steps down only past its rule's deadband, and
    one whose figure is ``null`` now (no data) stays as it is: a missing figure neither raises
    nor closes an alert. Alerts of rules not in ``rules`` (disabled) are not kept.
    """
    open_alerts = open_alerts or {}
    opel = opel_sites(figures, opel_thresholds)
    desired: dict[tuple[str, str], Condition] = {}
    for spec in rules:
        definition = RULE_DEFINITIONS[spec.code]
        comparison = definition.comparison
        measured = set()
        for scope, value in definition.measure(figures, now, opel):
            measured.add(scope)
            held = open_alerts.get((spec.code, scope))
            severity = severity_held(value, spec, comparison, held.severity if held else None)
            if severity is None:
                continue
            threshold = spec.red if severity == Severity.RED else spec.amber
            unit = definition.unit
            message = (
                f"{scope}: {definition.label} {_number(value)}{unit} "
                f"({severity} at {comparison.symbol} {_number(threshold)}{unit}"
            )
            if not comparison.breaches(value, threshold):
                back = "≥" if comparison is BELOW else "≤"
                until = (
                    threshold + spec.deadband if comparison is BELOW else threshold - spec.deadband
                )
                message += f"; held until {back} {_number(until)}{unit}"
            message += ")"
            desired[(spec.code, scope)] = Condition(definition.scope_kind, severity, message)
        for (code, scope), held in open_alerts.items():
            if code == spec.code and scope not in measured:
                desired[(code, scope)] = held
    return desired
