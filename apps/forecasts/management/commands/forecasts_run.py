import os

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.forecasts.services import forecasts_run


class Command(BaseCommand):
    help = (
        "Fit and store every forecast now (each site and the system, three series, 14 days "
        "ahead with backtests). The worker runs the same nightly at 02:00 local."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 1,
            help="processes that fit in parallel (default: one per core)",
        )

    def handle(self, *args, workers, **options):
        self.stdout.write(str(forecasts_run(now=timezone.now(), workers=workers)))
