from django.contrib import admin

from .models import Attendance, EmergencyDaily


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = (
        "attendance",
        "organisation",
        "site",
        "department_type",
        "arrived_at",
        "decision_to_admit_at",
        "departed_at",
        "disposition",
    )
    list_filter = ("site", "department_type", "disposition")
    search_fields = ("attendance",)
    date_hierarchy = "arrived_at"
    list_select_related = ("organisation", "site")
    # Attendances change only through sitreps, so that every change is archived.
    readonly_fields = [f.name for f in Attendance._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EmergencyDaily)
class EmergencyDailyAdmin(admin.ModelAdmin):
    list_display = ("site", "date", "attendances", "departed", "met_4h", "over_12h")
    list_filter = ("site",)
    date_hierarchy = "date"
    readonly_fields = [f.name for f in EmergencyDaily._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
