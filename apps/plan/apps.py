from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "apps.plan"
    verbose_name = "Operating plan"
