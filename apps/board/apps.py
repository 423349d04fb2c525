from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "apps.board"
    verbose_name = "Board"

    def ready(self) -> None:
        from apps.escalation.signals import alerts_changed
        from apps.sitreps.pipeline import figures_changed

        from .events import board_publish

        def _figures(sender, changed, **kwargs):
            board_publish(changed)

        def _alerts(sender, changed, **kwargs):
            board_publish({f"alerts:{scope}" for scope in changed})

        figures_changed.connect(_figures, weak=False, dispatch_uid="board-publish-figures")
        alerts_changed.connect(_alerts, weak=False, dispatch_uid="board-publish-alerts")
