from datetime import datetime

from celery import chain, shared_task
from django.conf import settings
from django.utils import timezone

from apps.core.localtime import local_today

from .selectors import scopes_with_history
from .services import forecasts_run

# Scopes fitted by one task: short enough that the board's recomputes, queued behind it in
# the same worker, wait seconds rather than minutes.
SCOPES_PER_TASK = 10


@shared_task(acks_late=False)
def run_forecasts() -> int:
    """Plan the nightly fit (beat, 02:00 local; and once at demo start): every scope with
    history, in chunks of ``SCOPES_PER_TASK``, as ``SCC_FORECAST_CHAINS`` chains of
    ``fit_forecasts`` tasks, so that the fit uses that many of the worker's slots and no more.
    Returns the number of tasks queued."""
    now = timezone.now()
    lanes = nightly_lanes(scopes_with_history(today=local_today(now)))
    for lane in lanes:
        chain(*(fit_forecasts.si(now.isoformat(), chunk) for chunk in lane)).apply_async()
    return sum(len(lane) for lane in lanes)


def nightly_lanes(scopes: list[str]) -> list[list[list[str]]]:
    """The nightly run's plan: ``scopes`` in chunks of ``SCOPES_PER_TASK``, dealt round-robin
    into ``SCC_FORECAST_CHAINS`` lanes (each lane a chain of tasks, one chunk each; empty
    lanes left out). ``bench/forecasts.py`` runs the same plan."""
    chunks = [scopes[i : i + SCOPES_PER_TASK] for i in range(0, len(scopes), SCOPES_PER_TASK)]
    chains = max(settings.SCC_FORECAST_CHAINS, 1)
    return [chunks[lane::chains] for lane in range(chains) if chunks[lane::chains]]


@shared_task(acks_late=False)
def fit_forecasts(now_iso: str, scopes: list[str]) -> str:
    """Fit and store the forecasts of these scopes as at ``now_iso`` (one chunk of the nightly
    run). Acknowledged on receipt: a chunk that dies is redone the next night, not mid-run."""
    return str(forecasts_run(now=datetime.fromisoformat(now_iso), scopes=scopes))
