from django.contrib import admin

from .models import PlanValue


@admin.register(PlanValue)
class PlanValueAdmin(admin.ModelAdmin):
    """The plan store; loaded with ``load_plan`` (and ``load_vw_plan`` for wards)."""

    list_display = ("metric", "scope", "month", "value", "note", "loaded_at")
    list_filter = ("metric", "scope")
    date_hierarchy = "month"
