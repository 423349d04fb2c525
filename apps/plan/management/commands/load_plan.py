from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.plan.rules import PlanFileError
from apps.plan.services import plan_load


class Command(BaseCommand):
    help = (
        "Load the operating plan from a CSV (metric,scope,month,value; month YYYY-MM). "
        "Idempotent; a new value for the same metric, scope and month replaces the old one; "
        "a bad line is named (line number and what is wrong) and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: cannot read: {exc}") from None
        try:
            report = plan_load(text=text)
        except PlanFileError as exc:
            lines = "\n".join(f"  {e}" for e in exc.errors)
            raise CommandError(f"{file}: invalid plan, nothing written:\n{lines}") from None
        self.stdout.write(str(report))
