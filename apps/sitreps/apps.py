from django.apps import AppConfig


class SitrepsConfig(AppConfig):
    name = "apps.sitreps"
    verbose_name = "Sitrep archive"
