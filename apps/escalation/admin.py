from django.contrib import admin

from .models import Alert, AlertTransition, EscalationRule


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "scope_kind", "amber", "red", "deadband", "enabled", "description"]
    list_editable = ["amber", "red", "deadband", "enabled"]
    readonly_fields = ["code", "scope_kind"]

    def has_add_permission(self, request) -> bool:
        # The rule codes are fixed (their comparison is code); only thresholds are data.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AlertTransitionInline(admin.TabularInline):
    model = AlertTransition
    extra = 0
    can_delete = False
    fields = ["at", "kind", "severity", "by", "note", "message", "notified_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["id", "rule", "scope", "severity", "raised_at", "acknowledged_by", "closed_at"]
    list_filter = ["rule", "severity", "scope_kind"]
    search_fields = ["scope", "message"]
    inlines = [AlertTransitionInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
