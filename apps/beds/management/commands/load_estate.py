import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.beds.estate import EstateError, estate_load


def _flatten(errors, path=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        for message in errors:
            yield f"{path}: {message}"
    elif isinstance(errors, list):
        for i, value in enumerate(errors):
            if value:
                yield from _flatten(value, f"{path}.{i}")
    else:
        yield f"{path}: {errors}"


class Command(BaseCommand):
    help = "Create or update the estate from a JSON file (API.md). Idempotent; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            document = json.loads(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except ValueError as exc:
            raise CommandError(f"{file}: not valid JSON: {exc}") from None
        try:
            report = estate_load(document=document)
        except EstateError as exc:
            lines = "\n".join(f"  {line}" for line in _flatten(exc.errors))
            raise CommandError(f"{file}: invalid estate, nothing written:\n{lines}") from None
        self.stdout.write(str(report))
