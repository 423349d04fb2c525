"""The operating plan's rules (API.md "Operating plan"; DOMAIN.md "Precision, rounding and
empty sets"): months, which days of a month are measured, met or missed, and reading the plan
file. Plain functions: no ORM, no clock (``today`` / ``now`` passed in)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from apps.core.localtime import LOCAL_TZ, local_day_start

from .choices import Direction, PlanMetric, PlanStatus

SYSTEM = "system"
HEADER = ("metric", "scope", "month", "value")
MAX_VALUE = Decimal("99999999.99")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class MetricRule:
    """What a metric means: which way meets, its scopes (in words), its precision."""

    direction: Direction
    scopes: str  # the scopes in words, for error messages and the page
    places: int  # decimal places of the actual (DOMAIN.md precision)
    unit: str
    whole: bool = False  # the plan value must be a whole number
    most: Decimal | None = None  # the largest plan value that makes sense (percentages)


METRIC_RULES: dict[str, MetricRule] = {
    PlanMetric.GA_AVAILABLE_BEDS: MetricRule(Direction.HIGHER, "a site or system", 1, "beds"),
    PlanMetric.ED_FOUR_HOUR_PCT: MetricRule(
        Direction.HIGHER, "a site or system", 1, "%", most=Decimal(100)
    ),
    PlanMetric.CAT2_MEAN_MIN: MetricRule(
        Direction.LOWER, "an ambulance organisation or system", 1, "min"
    ),
    PlanMetric.HANDOVER_LOST_HOURS: MetricRule(Direction.LOWER, "a site or system", 2, "h"),
    PlanMetric.MOFD_P1_P3: MetricRule(Direction.LOWER, "an organisation or system", 1, "patients"),
    PlanMetric.VW_CAPACITY: MetricRule(
        Direction.HIGHER, "system or a virtual ward", 0, "beds", whole=True
    ),
}


# --------------------------------------------------------------------------- months
# The months a plan can name: from the earliest a sitrep may carry (2000) to 2099. Near year 1
# or 9999 the plan year's neighbours cannot even be built (it was a 500).
FIRST_YEAR, LAST_YEAR = 2000, 2099
MONTH_RULE = f"enter a month written YYYY-MM, from {FIRST_YEAR}-01 to {LAST_YEAR}-12."


def month_parse(text: str) -> date | None:
    """``YYYY-MM`` → the month's first day; ``None`` when it is not such a month or falls
    outside ``FIRST_YEAR``–``LAST_YEAR``."""
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        return None
    return date(int(match[1]), int(match[2]), 1)


def month_of(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def plan_year_months(month: date) -> list[date]:
    """The twelve months of the NHS financial year (April to March) holding ``month``."""
    start = date(month.year if month.month >= 4 else month.year - 1, 4, 1)
    return [month_add(start, i) for i in range(12)]


def month_days(month: date, *, today: date) -> list[date]:
    """The local days of ``month`` that are measured on ``today``: every day of a past month,
    the days so far (today included) of the month in progress, none of a future month."""
    last = min(month_next(month) - timedelta(days=1), today)
    return [month + timedelta(days=i) for i in range((last - month).days + 1)]


def month_window(month: date, *, now: datetime, today: date) -> tuple[datetime, datetime] | None:
    """UTC ``[start, end)`` measured of ``month``: local midnight starting it, to the end of
    its last local day or ``now`` if sooner (a month spanning a clock change has 23- or
    25-hour days in it). ``None`` for a future month."""
    if month > today:
        return None
    return local_day_start(month), min(local_day_start(month_next(month)), now)


def midday_instants(days: Iterable[date], *, now: datetime) -> list[datetime]:
    """12:00 local on each day (UTC instants), or ``now`` for a day whose midday is still
    to come (today before noon)."""
    out = []
    for day in days:
        midday = datetime.combine(day, time(12), tzinfo=LOCAL_TZ)
        out.append(min(midday, now))
    return out


# --------------------------------------------------------------------------- figures
def quantize(value: Decimal, places: int) -> Decimal:
    """Half up to ``places`` decimals, exactly (decimal arithmetic)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def mean(values: Collection[int | Decimal], *, places: int = 1) -> Decimal | None:
    """The exact mean, half up to ``places``; ``None`` over no values."""
    if not values:
        return None
    return quantize(Decimal(sum(values)) / Decimal(len(values)), places)


def pct(part: int, whole: int) -> Decimal | None:
    """``100 × part / whole``, one decimal, half up, exactly; ``None`` when ``whole`` is 0."""
    if whole == 0:
        return None
    return quantize(Decimal(100 * part) / Decimal(whole), 1)


def minutes_mean(total_s: int, count: int) -> Decimal | None:
    """The mean of ``count`` durations summing to ``total_s`` seconds, in minutes, one
    decimal, half up, exactly; ``None`` over none."""
    if count == 0:
        return None
    return quantize(Decimal(total_s) / Decimal(60 * count), 1)


def plan_status(*, plan: Decimal, actual: Decimal | None, direction: Direction) -> PlanStatus:
    """``met`` when the actual is at or beyond the plan in the metric's direction (equal to
    plan is met), ``missed`` otherwise, ``no_data`` without an actual."""
    if actual is None:
        return PlanStatus.NO_DATA
    if direction == Direction.HIGHER:
        return PlanStatus.MET if actual >= plan else PlanStatus.MISSED
    return PlanStatus.MET if actual <= plan else PlanStatus.MISSED


# --------------------------------------------------------------------------- the plan file
@dataclass(frozen=True)
class PlanRow:
    line: int
    metric: str
    scope: str
    month: date
    value: Decimal


class PlanFileError(Exception):
    """The plan file is invalid; ``errors`` name each bad line and what is wrong with it."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _value(text: str, rule: MetricRule) -> tuple[Decimal | None, str | None]:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, f"value {text!r} is not a number."
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        return None, f"value {text!r} is not a number from 0 to {MAX_VALUE}."
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, f"value {text!r} has more than two decimal places."
    if rule.whole and value != value.to_integral_value():
        return None, f"value {text!r} is not a whole number."
    if rule.most is not None and value > rule.most:
        return None, f"value {text!r} is more than {rule.most}."
    return value, None


def plan_file_parse(text: str, *, scopes: Mapping[str, Collection[str]]) -> list[PlanRow]:
    """Read and check a plan file (``metric,scope,month,value``; ``month`` ``YYYY-MM``).

    ``scopes[metric]`` are the codes the estate allows for that metric (``system`` included).
    Raises ``PlanFileError`` listing every bad line at once — its line number and what is
    wrong (unknown metric, a scope the metric does not take, a malformed month, a value that
    is not a number ≥ 0 with at most two decimals, the same metric, scope and month twice).
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None or tuple(c.strip() for c in header) != HEADER:
        raise PlanFileError([f"line 1: the header must be {','.join(HEADER)}."])
    errors: list[str] = []
    rows: list[PlanRow] = []
    first_line: dict[tuple[str, str, date], int] = {}
    for cells in reader:
        n = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(f"line {n}: {len(cells)} values, expected {len(HEADER)}.")
            continue
        metric, scope, month_text, value_text = (c.strip() for c in cells)
        problems = []
        rule = METRIC_RULES.get(metric)
        if rule is None:
            problems.append(f"metric {metric!r} is not one of {', '.join(METRIC_RULES)}.")
        elif scope not in scopes.get(metric, ()):
            problems.append(f"scope {scope!r} is not {rule.scopes} for {metric}.")
        month = month_parse(month_text)
        if month is None:
            problems.append(
                f"month {month_text!r} is not a month written YYYY-MM, "
                f"from {FIRST_YEAR}-01 to {LAST_YEAR}-12."
            )
        value = None
        if rule is not None:
            value, problem = _value(value_text, rule)
            if problem:
                problems.append(problem)
        if not problems and month is not None and value is not None:
            key = (metric, scope, month)
            if key in first_line:
                problems.append(f"{metric} {scope} {month_text} repeats line {first_line[key]}.")
            else:
                first_line[key] = n
                rows.append(PlanRow(n, metric, scope, month, value))
        errors.extend(f"line {n}: {p}" for p in problems)
    if errors:
        raise PlanFileError(errors)
    if not rows:
        raise PlanFileError(["the file has no plan rows."])
    return rows
