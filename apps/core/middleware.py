"""Django's ``CommonMiddleware`` without the trailing-slash redirect under ``/api/``.

``APPEND_SLASH`` answers a URL missing its slash (``POST /api/v1/sitreps/beds``) with a ``301``
and an HTML body; most clients follow a redirected POST as a GET, or drop the body, so nothing
is submitted and the answer is not JSON. Under ``/api/`` such a URL is a JSON ``404`` instead,
whose detail names the URL meant (``apps.core.http.page_not_found``). Pages keep the redirect.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.common import CommonMiddleware

from .http import API_PREFIX


class ApiCommonMiddleware(CommonMiddleware):
    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        """False under ``/api/``; Django's rule (``APPEND_SLASH``) elsewhere."""
        if request.path_info.startswith(API_PREFIX):
            return False
        return super().should_redirect_with_slash(request)
