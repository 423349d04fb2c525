from django.apps import AppConfig


class SitrepsConfig(AppConfig):
    name = "apps.sitreps"
    verbose_name = "Sitrep archive"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from apps.core.figures import figures_version_bump

        # Edits that change what the board shows without a sitrep (the estate in the admin or
        # from load_estate, rule thresholds, feeds) also move the figures version on.
        watched = {
            ("beds", "system"),
            ("beds", "organisation"),
            ("beds", "site"),
            ("beds", "ward"),
            ("beds", "bed"),
            ("virtualwards", "virtualward"),
            ("plan", "planvalue"),
            ("escalation", "escalationrule"),
            ("feeds", "feed"),
        }

        def _changed(sender, **kwargs):
            if (sender._meta.app_label, sender._meta.model_name) in watched:
                transaction.on_commit(figures_version_bump)

        post_save.connect(_changed, weak=False, dispatch_uid="figures-version-save")
        post_delete.connect(_changed, weak=False, dispatch_uid="figures-version-delete")
