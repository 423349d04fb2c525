"""Error pages that speak the caller's language: JSON under ``/api/``, HTML elsewhere.

Django answers a URL that matches no pattern (``/api/v1/actions/abc/done/``) or a body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` before DRF sees the request, so DRF's exception handler cannot
shape those answers. These handlers (``handler400/403/404/500`` in ``config/urls.py``) give an
API client the same ``{"detail": ...}`` body DRF gives everywhere else, and
leave the pages' own templates to everyone else.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import is_valid_path
from django.views import defaults

API_PREFIX = "/api/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400, or 413 for a body over the upload limit: ``{"detail": str}`` under ``/api/``."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        from django.conf import settings

        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        return JsonResponse(
            {"detail": f"The request body is larger than the {limit_mb:g} MB allowed."},
            status=413,
        )
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: ``{"detail": str}`` under ``/api/``, the page otherwise."""
    if not _is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse(
        {"detail": "You do not have permission to perform this action."}, status=403
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: ``{"detail": "Not found: <path>"}`` under ``/api/``, the page otherwise.

    Under ``/api/`` a path that matches with a trailing slash added is not redirected
    (``apps.core.middleware``): the detail names it instead, e.g.
    ``"Not found: /api/v1/sitreps/beds; did you mean /api/v1/sitreps/beds/?"``.
    """
    if not _is_api(request):
        return defaults.page_not_found(request, exception)
    detail = f"Not found: {request.path}"
    if not request.path_info.endswith("/"):
        urlconf = getattr(request, "urlconf", None)
        if is_valid_path(f"{request.path_info}/", urlconf):
            detail += f"; did you mean {request.path}/?"
    return JsonResponse({"detail": detail}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: ``{"detail": str}`` under ``/api/`` (nothing of the fault is shown), the page
    otherwise."""
    if not _is_api(request):
        return defaults.server_error(request)
    return JsonResponse({"detail": "Server error: it has been logged."}, status=500)
