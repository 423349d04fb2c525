from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("plan/", views.plan_page, name="index"),
    path("exports/plan.xlsx", views.plan_export_xlsx, name="xlsx"),
]
