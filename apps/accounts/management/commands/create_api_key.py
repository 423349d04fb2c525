from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiKey
from apps.beds.models import Organisation


class Command(BaseCommand):
    help = (
        "Create an API key for an organisation and print the key (only the key) on stdout; "
        "how to send it goes to stderr, so `KEY=$(manage.py create_api_key RWE)` keeps the key "
        "alone."
    )

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
        # For the operator, on stderr: stdout stays the key alone for scripts.
        self.stderr.write(
            f"API key for {organisation.code} ({organisation.name}) created"
            f"{f' as {name!r}' if name else ''}. It is shown once and stored only hashed.\n"
            f"Send it on every request as the header:  Authorization: Api-Key <the key>\n"
            f"e.g. curl -H 'Authorization: Api-Key {plain[:12]}…' "
            f"https://<board>/api/v1/estate/\n"
            f'Revoke it in the admin: /admin/accounts/apikey/ (action "Revoke").'
        )
