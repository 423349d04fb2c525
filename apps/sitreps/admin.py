from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "organisation",
        "source",
        "received_at",
        "outcome",
        "status_code",
        "recomputed_at",
    )
    list_filter = ("kind", "outcome", "source", "organisation")
    readonly_fields = [f.name for f in Submission._meta.fields]
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
