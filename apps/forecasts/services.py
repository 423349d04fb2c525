"""Writes: the history import and the forecast run (fit in worker processes, store)."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import time
from collections.abc import Collection
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from multiprocessing import get_context

from django.conf import settings
from django.db import connection, transaction

from apps.beds.models import Site
from apps.core.localtime import local_today

from . import engine
from .choices import Series
from .fitting import forecast_series
from .models import Forecast, HistoryDay
from .selectors import series_history

logger = logging.getLogger("scc.forecasts")

_WHOLE = re.compile(r"[0-9]{1,9}")
HISTORY_HEADER = ["site", "date", *(s.value for s in Series)]


class HistoryError(Exception):
    """The history file is invalid; ``errors`` names each bad row and cell. Nothing written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class HistoryReport:
    rows: int
    created: int
    updated: int

    def __str__(self) -> str:
        return f"{self.rows} rows: {self.created} days added, {self.updated} updated."


_UPSERT_SQL = """
INSERT INTO {table} (site_id, date, ed_attendances, emergency_admissions, ga_occupied_midday)
SELECT * FROM unnest(%s::bigint[], %s::date[], %s::int[], %s::int[], %s::int[])
ON CONFLICT (site_id, date) DO UPDATE SET
    ed_attendances = COALESCE(EXCLUDED.ed_attendances, {table}.ed_attendances),
    emergency_admissions = COALESCE(EXCLUDED.emergency_admissions, {table}.emergency_admissions),
    ga_occupied_midday = COALESCE(EXCLUDED.ga_occupied_midday, {table}.ga_occupied_midday)
WHERE ({table}.ed_attendances, {table}.emergency_admissions, {table}.ga_occupied_midday)
    IS DISTINCT FROM (
        COALESCE(EXCLUDED.ed_attendances, {table}.ed_attendances),
        COALESCE(EXCLUDED.emergency_admissions, {table}.emergency_admissions),
        COALESCE(EXCLUDED.ga_occupied_midday, {table}.ga_occupied_midday))
RETURNING (xmax = 0)
"""


def history_load(*, text: str, today: date) -> HistoryReport:
    """Import daily history from CSV text (header ``site,date,ed_attendances,
    emergency_admissions,ga_occupied_midday``; a blank cell is unknown and never clears a
    value held). All or nothing: any bad row raises ``HistoryError`` naming the line, the
    site and date, and the cell; nothing is written. Idempotent: the same file again changes
    nothing. Dates are local days before ``today``; counts whole numbers ≥ 0.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != HISTORY_HEADER:
        raise HistoryError([f"line 1: the header must be {','.join(HISTORY_HEADER)}"])
    sites = dict(Site.objects.values_list("code", "pk"))
    errors: list[str] = []
    seen: dict[tuple[int, date], int] = {}
    columns: list[list] = [[], [], [], [], []]
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HISTORY_HEADER):
            errors.append(f"line {line}: {len(row)} cells, expected {len(HISTORY_HEADER)}")
            continue
        code, day_text, *cells = (cell.strip() for cell in row)
        where = f"line {line} ({code or '?'} {day_text or '?'})"
        site_id = sites.get(code)
        if site_id is None:
            errors.append(f"{where}: site: unknown site {code!r}")
        try:
            day = date.fromisoformat(day_text)
        except ValueError:
            errors.append(f"{where}: date: {day_text!r} is not a date YYYY-MM-DD")
            day = None
        if day is not None and day >= today:
            errors.append(f"{where}: date: {day} is not a complete past day")
        values = []
        for name, cell in zip(HISTORY_HEADER[2:], cells, strict=True):
            if cell == "":
                values.append(None)
            elif _WHOLE.fullmatch(cell):
                values.append(int(cell))
            else:
                errors.append(f"{where}: {name}: {cell!r} is not a whole number ≥ 0")
                values.append(None)
        if site_id is None or day is None:
            continue
        if (site_id, day) in seen:
            errors.append(f"{where}: the same site and date as line {seen[(site_id, day)]}")
            continue
        seen[(site_id, day)] = line
        for column, value in zip(columns, [site_id, day, *values], strict=True):
            column.append(value)
    if errors:
        raise HistoryError(errors)
    created = updated = 0
    table = HistoryDay._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT_SQL.format(table=table), columns)
        for (inserted,) in cursor.fetchall():
            created += inserted
            updated += not inserted
    return HistoryReport(rows=len(columns[0]), created=created, updated=updated)


def _fit(job: tuple[str, str, dict, date]) -> tuple[str, str, dict]:
    scope, series, values, today = job
    return scope, series, forecast_series(values, today=today)


def _nice() -> None:
    # The fit yields the cores to the board's recomputes and requests (SCC_FORECAST_NICE).
    os.nice(settings.SCC_FORECAST_NICE)


@dataclass(frozen=True)
class RunReport:
    forecasts: int
    with_days: int
    seconds: float

    def __str__(self) -> str:
        return (
            f"{self.forecasts} forecasts stored ({self.with_days} with days, "
            f"{self.forecasts - self.with_days} with a reason) in {self.seconds:.1f} s."
        )


def forecasts_run(
    *, now: datetime, workers: int = 1, scopes: Collection[str] | None = None
) -> RunReport:
    """Fit and store the forecast and backtest of every series for every scope with history
    (each site and the system; ``scopes``: only these), for the 14 local days after ``now``'s
    local day.

    ``workers`` > 1 fits in that many forked processes at a lower priority than the rest of
    the machine (from a command; a Celery worker's processes may not fork: the nightly task
    spreads chunks over the worker's slots instead). Each (scope, series) row is replaced;
    scopes no longer with any history keep their last row. Returns counts and the wall time.
    """
    started = time.perf_counter()
    today = local_today(now)
    history = series_history(today=today, scopes=scopes)
    jobs = [
        (scope, series, values, today)
        for series, by_scope in history.items()
        for scope, values in sorted(by_scope.items())
    ]
    if workers > 1 and len(jobs) > 1:
        engine.warm_up()  # loaded once here, inherited by every forked child
        connection.close()  # a forked child must never share this connection
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=get_context("fork"), initializer=_nice
        ) as pool:
            results = list(pool.map(_fit, jobs, chunksize=4))
    else:
        results = [_fit(job) for job in jobs]
    rows = [
        Forecast(
            scope=scope,
            series=series,
            made_at=now,
            made_for=today,
            model=out["model"],
            history_days=out["history_days"],
            reason=out["reason"] or "",
            days=[{**d, "date": d["date"].isoformat()} for d in out["days"]],
            backtest=out["backtest"],
            history=[[d.isoformat(), v] for d, v in out["history"]],
        )
        for scope, series, out in results
    ]
    with transaction.atomic():
        Forecast.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["scope", "series"],
            update_fields=[
                "made_at",
                "made_for",
                "model",
                "history_days",
                "reason",
                "days",
                "backtest",
                "history",
            ],
        )
    report = RunReport(
        forecasts=len(rows),
        with_days=sum(1 for r in rows if r.days),
        seconds=time.perf_counter() - started,
    )
    logger.info("forecasts run: %s", report)
    return report
