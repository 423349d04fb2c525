from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "apps.actions"
    verbose_name = "System calls and actions"
