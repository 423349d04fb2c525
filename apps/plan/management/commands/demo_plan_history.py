from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.plan.rules import month_parse
from demo.plan_history import plan_history_seed


class Command(BaseCommand):
    help = (
        "DEMO ONLY: seed a labelled, reproducible history (bed snapshots, handovers, frozen "
        "S1s, virtual-ward censuses) from --from (YYYY-MM, default 2026-04) to yesterday, so "
        "the operating plan's past months have actuals. Runs once; a second run does nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", default="2026-04")

    def handle(self, *args, first: str, **options):
        month = month_parse(first)
        if month is None:
            raise CommandError(f"--from {first!r}: enter a month written YYYY-MM.")
        written = plan_history_seed(now=timezone.now(), first_month=month)
        if not written:
            self.stdout.write("Demo history already present (or nothing to seed).")
            return
        parts = ", ".join(f"{n} {what}" for what, n in written.items())
        self.stdout.write(f"Demo history seeded (labelled demo-plan-history): {parts}.")
