from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class ScopeError(exceptions.PermissionDenied):
    """The sitrep reports on something that belongs to another organisation (403)."""


def exception_handler(exc, context):
    """DRF's handler; kept as the one place to shape API errors."""
    return drf_exception_handler(exc, context)
