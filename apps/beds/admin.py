"""Bed state in the admin: read-only history (it is written only by the sitrep ingest)."""

from django.contrib import admin

from .models import BedStatusChange, OccupancySnapshot, WardState


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WardState)
class WardStateAdmin(_ReadOnly):
    list_display = ("ward", "as_at", "source", "occupied", "vacant", "closed", "escalation_open")
    list_filter = ("source", "ward__bed_type", "ward__site")
    search_fields = ("ward__code",)
    list_select_related = ("ward",)
    raw_id_fields = ("ward", "submission")
    date_hierarchy = "as_at"


@admin.register(BedStatusChange)
class BedStatusChangeAdmin(_ReadOnly):
    list_display = ("bed", "from_status", "to_status", "at", "submission")
    list_filter = ("to_status",)
    search_fields = ("bed__code",)
    list_select_related = ("bed",)
    raw_id_fields = ("bed", "submission")
    date_hierarchy = "at"


@admin.register(OccupancySnapshot)
class OccupancySnapshotAdmin(_ReadOnly):
    list_display = (
        "site",
        "bed_type",
        "taken_at",
        "occupied",
        "vacant",
        "closed",
        "escalation_open",
        "wards_reporting",
        "wards_total",
    )
    list_filter = ("bed_type", "site")
    list_select_related = ("site",)
    date_hierarchy = "taken_at"
