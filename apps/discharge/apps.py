from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "apps.discharge"
    verbose_name = "Discharge (MOFD, S1)"
