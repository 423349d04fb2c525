"""Bed state in the admin: read-only history (it is written only by the sitrep ingest)."""

from django.contrib import admin

from .models import (
    Bed,
    BedStatusChange,
    OccupancySnapshot,
    Organisation,
    Site,
    System,
    Ward,
    WardState,
)


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


# --------------------------------------------------------------------------- the estate
# Editable here; `manage.py load_estate` is the bulk path for the same records.


@admin.register(System)
class SystemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "population")


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    inlines = [SiteInline]


class WardInline(admin.TabularInline):
    model = Ward
    extra = 0
    fields = ("code", "name", "bed_type", "core_beds", "escalation_beds")
    show_change_link = True


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organisation")
    list_filter = ("organisation",)
    search_fields = ("code", "name")
    inlines = [WardInline]


class BedInline(admin.TabularInline):
    model = Bed
    extra = 0


@admin.register(Ward)
class WardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "site", "bed_type", "core_beds", "escalation_beds")
    list_filter = ("bed_type", "site__organisation", "site")
    search_fields = ("code", "name")
    list_select_related = ("site",)
    inlines = [BedInline]
