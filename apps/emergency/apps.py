from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "apps.emergency"
    verbose_name = "Emergency departments"

    def ready(self) -> None:
        from . import sitrep  # noqa: F401  (registers the emergency sitrep)
