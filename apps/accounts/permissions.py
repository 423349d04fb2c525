from __future__ import annotations

from rest_framework import permissions

from .choices import Role
from .models import ApiKey


def api_key_of(request) -> ApiKey | None:
    return request.auth if isinstance(request.auth, ApiKey) else None


def is_staff_session(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and getattr(user, "role", None) in Role.values)


class IsKeyOrStaff(permissions.BasePermission):
    """Any valid provider key or signed-in staff member (reads; writes narrow further)."""

    def has_permission(self, request, view) -> bool:
        return api_key_of(request) is not None or is_staff_session(request)


class IsProviderKey(permissions.BasePermission):
    """Sitrep writes: only a provider system's key (its organisation is checked by the ingest)."""

    message = "Sitreps are posted with an organisation's API key."

    def has_permission(self, request, view) -> bool:
        return api_key_of(request) is not None


class IsStaffSession(permissions.BasePermission):
    message = "Only SCC staff signed in to the board may do this."

    def has_permission(self, request, view) -> bool:
        return is_staff_session(request)


class CanExport(permissions.BasePermission):
    message = "Exports are for managers."

    def has_permission(self, request, view) -> bool:
        return is_staff_session(request) and request.user.can_export
