"""Escalation: rule evaluation and the board's escalation block on a large synthetic estate.

The figures are synthetic (every site alerting on several rules) so that the measurement is of
the alert lifecycle, whatever state the apps' board functions are in.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bench.common import show, timed

SITES = 300


def _figures(now, *, pressure: float):
    from apps.escalation.rules import Figures, OrganisationFigures, SiteFigures, SystemFigures

    sites = tuple(
        SiteFigures(
            code=f"S{n:03d}",
            organisation=f"O{n % 30:02d}",
            occupancy_pct=pressure + (n % 5),
            available=40,
            escalation_open=n % 6,
            occupied=38,
            longest_wait_min=int(pressure / 2) + n % 20,
            mean_handover_min_today=20.0 + n % 40,
            last_sitrep_at=now - timedelta(hours=n % 10),
        )
        for n in range(SITES)
    )
    organisations = tuple(
        OrganisationFigures(
            code=f"O{n:02d}", is_acute=True, mofd_total=80, mofd_p1_p3=60, occupied_ga_adult=380
        )
        for n in range(30)
    )
    return Figures(sites, organisations, SystemFigures(vw_utilisation_pct=70.0))


def run() -> dict:
    from apps.escalation import services
    from apps.escalation.models import Alert, AlertTransition
    from apps.escalation.rules import alerts_desired
    from apps.escalation.selectors import board_escalation, rule_specs

    AlertTransition.objects.all().delete()
    Alert.objects.all().delete()
    now = timezone.now()
    high, low = _figures(now, pressure=93.0), _figures(now, pressure=50.0)
    rules = rule_specs()
    results = {}

    results["alerts_desired_pure"] = timed(
        lambda: alerts_desired(
            figures=high, rules=rules, now=now, opel_thresholds=settings.SCC_OPEL_THRESHOLDS
        )
    )
    show(f"alerts_desired, {SITES} sites (pure)", results["alerts_desired_pure"])

    current = {"figures": high}
    services.escalation_figures = lambda now: current["figures"]
    ticks = iter(range(1, 10_000))

    def evaluate():
        return services.alerts_evaluate(now=now + timedelta(seconds=next(ticks)))

    evaluate()
    services.transitions_notify(limit=100_000)  # drain the outbox of the first raises
    open_alerts = Alert.objects.open().count()
    show("open alerts after the first evaluation", open_alerts)
    results["open_alerts"] = open_alerts
    results["evaluate_steady"] = timed(evaluate, repeat=10)
    show("alerts_evaluate, nothing changes", results["evaluate_steady"])

    def flip():
        current["figures"] = low if current["figures"] is high else high
        evaluate()
        services.transitions_notify(limit=100_000)

    results["evaluate_flip"] = timed(flip, repeat=6, warmup=0)
    show(f"evaluate + notify, all {open_alerts} raise or close", results["evaluate_flip"])

    current["figures"] = high
    evaluate()
    results["board_escalation"] = timed(lambda: board_escalation(now=now, figures=high))
    show("board_escalation (given figures)", results["board_escalation"])
    return results
