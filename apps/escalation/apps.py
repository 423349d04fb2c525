from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "apps.escalation"
    verbose_name = "Escalation (rules, alerts, OPEL)"

    def ready(self) -> None:
        from apps.core.events import figures_changed

        from .receivers import evaluation_request

        figures_changed.connect(evaluation_request, dispatch_uid="escalation-evaluate")
