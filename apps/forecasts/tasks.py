import os

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .services import forecasts_run


@shared_task(acks_late=False)
def run_forecasts() -> str:
    """Fit and store every forecast (beat, nightly at 02:00 local; and once at demo start).

    Acknowledged on receipt: a run that dies is not redelivered mid-night (the broker's
    visibility timeout is shorter than a large estate's run); the next night's replaces it.
    """
    workers = settings.SCC_FORECAST_WORKERS or os.cpu_count() or 1
    return str(forecasts_run(now=timezone.now(), workers=workers))
