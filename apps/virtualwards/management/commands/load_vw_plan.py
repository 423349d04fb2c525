from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.virtualwards.plan import PlanError, plan_load


class Command(BaseCommand):
    help = (
        "Load virtual-ward planned capacity by month from a CSV "
        "(virtual_ward,medical_cover,month,planned_capacity). Idempotent; all or nothing."
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
            report = plan_load(text=text)
        except PlanError as exc:
            lines = "\n".join(f"  {line}" for line in exc.errors)
            raise CommandError(f"{file}: invalid plan, nothing written:\n{lines}") from None
        self.stdout.write(str(report))
