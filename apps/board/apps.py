from django.apps import AppConfig
from django.core.cache import caches
from django.utils.autoreload import file_changed


class BoardConfig(AppConfig):
    name = "apps.board"
    verbose_name = "Board"

    def ready(self) -> None:
        from apps.core.events import figures_changed
        from apps.escalation.signals import alerts_changed

        from .events import board_publish

        def _figures(sender, changed, **kwargs):
            board_publish(changed)

        def _alerts(sender, changed, **kwargs):
            board_publish({f"alerts:{scope}" for scope in changed})

        figures_changed.connect(_figures, weak=False, dispatch_uid="board-publish-figures")
        alerts_changed.connect(_alerts, weak=False, dispatch_uid="board-publish-alerts")

        # runserver reloads an edited template without restarting the process: drop the
        # tiles rendered from the old one (their keys digest the data, not the template).
        def _source_changed(sender, file_path, **kwargs):
            caches["tiles"].clear()

        file_changed.connect(_source_changed, weak=False, dispatch_uid="board-tiles-clear")
