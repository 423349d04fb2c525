from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiKey
from apps.beds.models import Organisation


class Command(BaseCommand):
    help = "Create an API key for an organisation and print the key (only the key) on stdout."

    def add_arguments(self, parser):
        parser.add_argument("org_code")
        parser.add_argument("--name", default="")

    def handle(self, *args, org_code, name, **options):
        try:
            organisation = Organisation.objects.get(code=org_code)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation with code {org_code!r}.") from None
        _key, plain = ApiKey.issue(organisation=organisation, name=name)
        self.stdout.write(plain)
