from django.apps import AppConfig


class VirtualWardsConfig(AppConfig):
    name = "apps.virtualwards"
    verbose_name = "Virtual wards"

    def ready(self) -> None:
        from . import sitrep  # noqa: F401  (registers the census handler)
