from django.contrib import admin

from .models import VirtualWard, VirtualWardCensus


@admin.register(VirtualWard)
class VirtualWardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organisation", "capacity")
    list_filter = ("organisation",)
    search_fields = ("code", "name")


@admin.register(VirtualWardCensus)
class VirtualWardCensusAdmin(admin.ModelAdmin):
    """Read-only: censuses come through the sitrep ingest (and its archive) only."""

    list_display = ("ward", "as_at", "capacity", "occupied", "submission")
    list_filter = ("ward",)
    date_hierarchy = "as_at"
    readonly_fields = [f.name for f in VirtualWardCensus._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
