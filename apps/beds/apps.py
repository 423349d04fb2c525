from django.apps import AppConfig


class BedsConfig(AppConfig):
    name = "apps.beds"
    verbose_name = "Estate and beds"
