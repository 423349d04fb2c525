import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.accounts.choices import Role
from apps.accounts.services import user_create


class Command(BaseCommand):
    help = "Create (or update) a staff login with a role: scc, manager or admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="Prompted for when not given.")

    def handle(self, *args, username, role, password, **options):
        if not password:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        if len(password) < 8:
            raise CommandError("The password must be at least 8 characters.")
        try:
            user_create(username=username, role=role, password=password)
        except ValidationError as exc:
            raise CommandError(f"{username}: {exc}") from None
        self.stdout.write(f"{username}: {role}")
