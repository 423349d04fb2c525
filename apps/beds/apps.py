from django.apps import AppConfig


class BedsConfig(AppConfig):
    name = "apps.beds"
    verbose_name = "Estate and beds"

    def ready(self) -> None:
        from . import sitrep  # noqa: F401  registers the bed sitrep handler
