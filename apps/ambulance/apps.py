from django.apps import AppConfig


class AmbulanceConfig(AppConfig):
    name = "apps.ambulance"
    verbose_name = "Ambulance handovers"
