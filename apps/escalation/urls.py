from django.urls import path

from . import views

app_name = "escalation"
urlpatterns = [
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge_page, name="acknowledge"),
]
