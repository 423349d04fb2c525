from django.apps import AppConfig


class AmbulanceConfig(AppConfig):
    name = "apps.ambulance"
    verbose_name = "Ambulance handovers"

    def ready(self) -> None:
        from . import sitrep  # noqa: F401  (registers the handovers sitrep)
