from django.contrib import admin

from .models import Handover, HandoverDaily, Incident, ReapDeclaration


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = (
        "incident",
        "organisation",
        "site",
        "arrived_at",
        "handover_at",
        "cleared_at",
        "category",
    )
    list_filter = ("site", "organisation")
    search_fields = ("incident",)
    date_hierarchy = "arrived_at"
    list_select_related = ("organisation", "site")
    # Arrivals change only through sitreps, so that every change is archived.
    readonly_fields = [f.name for f in Handover._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(HandoverDaily)
class HandoverDailyAdmin(admin.ModelAdmin):
    list_display = ("site", "date", "arrivals", "mean_handover_min", "over_60", "lost_hours")
    list_filter = ("site",)
    date_hierarchy = "date"
    readonly_fields = [f.name for f in HandoverDaily._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = (
        "incident",
        "organisation",
        "category",
        "clock_start_at",
        "at_scene_at",
        "response_s",
        "stood_down_at",
    )
    list_filter = ("organisation", "category")
    search_fields = ("incident",)
    date_hierarchy = "clock_start_at"
    list_select_related = ("organisation",)
    # Incidents change only through sitreps, so that every change is archived.
    readonly_fields = [f.name for f in Incident._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ReapDeclaration)
class ReapDeclarationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "level", "declared_at")
    list_filter = ("organisation", "level")
    date_hierarchy = "declared_at"
    readonly_fields = [f.name for f in ReapDeclaration._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
