from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "apps.board"
    verbose_name = "Board"

    def ready(self) -> None:
        from apps.sitreps.pipeline import figures_changed

        from .events import board_publish

        def _publish(sender, changed, **kwargs):
            board_publish(changed)

        figures_changed.connect(_publish, weak=False, dispatch_uid="board-publish")
