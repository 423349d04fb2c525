"""Calls and actions in the admin: read-only records (they change through the services, which
keep every transition and audit row)."""

from django.contrib import admin

from .models import Action, ActionTransition, Declaration, SystemCall


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DeclarationInline(admin.TabularInline):
    model = Declaration
    extra = 0
    fields = ["organisation", "opel", "computed_opel", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ActionTransitionInline(admin.TabularInline):
    model = ActionTransition
    extra = 0
    fields = ["at", "kind", "by", "note", "notified_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SystemCall)
class SystemCallAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "started_at", "chair", "started_by"]
    list_filter = ["kind"]
    exclude = ["figures"]
    inlines = [DeclarationInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["id", "text", "owner_organisation", "owner_name", "due_at", "status", "scope"]
    list_filter = ["status", "owner_organisation"]
    search_fields = ["text", "owner_name", "scope"]
    inlines = [ActionTransitionInline]
