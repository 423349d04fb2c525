from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.accounts.forms import AdminLoginForm
from apps.accounts.views import LoginView
from apps.board.views import api_guide, healthz


def favicon(request):
    """``/favicon.ico``: a permanent redirect to the static icon (resolved per request, so the
    hashed name of production's manifest storage is used)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("guide/", api_guide, name="guide"),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.board.api.urls")),
    path("", include("apps.beds.api.urls")),
    path("", include("apps.ambulance.api.urls")),
    path("", include("apps.discharge.api.urls")),
    path("", include("apps.virtualwards.api.urls")),
    path("", include("apps.emergency.api.urls")),
    path("", include("apps.plan.api.urls")),
    path("", include("apps.feeds.api.urls")),
    path("", include("apps.escalation.api.urls")),
    path("", include("apps.forecasts.api.urls")),
    path("", include("apps.actions.api.urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Pages link the icon; this is for what asks for /favicon.ico anyway (admin, API docs).
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"))),
    path("", include("apps.board.urls")),
    path("", include("apps.ambulance.urls")),
    path("", include("apps.discharge.urls")),
    path("", include("apps.virtualwards.urls")),
    path("", include("apps.emergency.urls")),
    path("", include("apps.plan.urls")),
    path("", include("apps.escalation.urls")),
    path("", include("apps.forecasts.urls")),
    path("", include("apps.actions.urls")),
]

admin.site.login_form = AdminLoginForm
admin.site.site_header = "SCC Capacity Board — administration"

handler400 = "apps.core.http.bad_request"
handler403 = "apps.core.http.permission_denied"
handler404 = "apps.core.http.page_not_found"
handler500 = "apps.core.http.server_error"
