from django.apps import AppConfig


class VirtualWardsConfig(AppConfig):
    name = "apps.virtualwards"
    verbose_name = "Virtual wards"
