from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("calls/", views.calls_page, name="calls"),
    path("calls/start/", views.call_start_page, name="start"),
    path("calls/<int:pk>/", views.call_page, name="call"),
    path("calls/<int:pk>/declarations/", views.call_declarations_page, name="declarations"),
    path("actions/", views.actions_page, name="actions"),
    path("actions/new/", views.action_new_page, name="new"),
    path("actions/<int:pk>/done/", views.action_done_page, name="done"),
    path("actions/<int:pk>/cancel/", views.action_cancel_page, name="cancel"),
    path("exports/actions.csv", views.actions_csv, name="export-csv"),
]
