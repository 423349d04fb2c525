from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "apps.discharge"
    verbose_name = "Discharge (MOFD, S1)"

    def ready(self) -> None:
        from . import sitrep  # noqa: F401  (registers the discharge sitrep handler)
