from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "apps.board"
    verbose_name = "Board"
