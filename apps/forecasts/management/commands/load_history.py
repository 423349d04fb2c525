from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.localtime import local_today
from apps.forecasts.services import HistoryError, history_load


class Command(BaseCommand):
    help = (
        "Import daily history for the forecasts from a CSV (site,date,ed_attendances,"
        "emergency_admissions,ga_occupied_midday; blank cell: unknown). Idempotent; a bad row "
        "is named and nothing is written. The product's own figures win where both exist."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file}: not UTF-8 text.") from None
        try:
            report = history_load(text=text, today=local_today(timezone.now()))
        except HistoryError as exc:
            lines = "\n".join(f"  {line}" for line in exc.errors[:50])
            more = f"\n  … and {len(exc.errors) - 50} more" if len(exc.errors) > 50 else ""
            raise CommandError(
                f"{file}: invalid history, nothing written:\n{lines}{more}"
            ) from None
        self.stdout.write(str(report))
