from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

# The API answers 401/403 itself; health checks and static files are public; the admin has
# its own login.
PUBLIC_PREFIXES = (
    "/api/",
    "/healthz",
    "/static/",
    "/favicon.ico",
    "/accounts/login/",
    "/admin/",
)


# The event the page listens for when its session has gone (API.md "Also").
SESSION_EXPIRED_EVENT = "session-expired"


def session_expired_response() -> HttpResponse:
    """``401`` with ``HX-Trigger: session-expired``: htmx swaps no 4xx answer, so no login page
    lands inside a panel, and the page says "signed out — sign in again" instead."""
    response = HttpResponse("Signed out: sign in again.", status=401, content_type="text/plain")
    response["HX-Trigger"] = SESSION_EXPIRED_EVENT
    response["Cache-Control"] = "no-store"
    return response


def wants_no_redirect(request) -> bool:
    """An htmx request or the event stream: a login page is no answer to either."""
    return request.headers.get(
        "HX-Request"
    ) == "true" or "text/event-stream" in request.headers.get("Accept", "")


class LoginRequiredMiddleware:
    """Pages need a signed-in user: a browser is sent to sign in, an htmx request or the event
    stream without a valid session gets ``401`` with ``HX-Trigger: session-expired``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if wants_no_redirect(request):
                return session_expired_response()
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
