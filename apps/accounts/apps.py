from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401
