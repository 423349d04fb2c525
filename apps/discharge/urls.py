from datetime import date

from django.urls import path, register_converter

from . import views


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # ValueError → 404 (e.g. 2026-02-30)

    def to_url(self, value: date) -> str:
        return value.isoformat()


register_converter(IsoDateConverter, "isodate")

app_name = "discharge"
urlpatterns = [
    path("discharge/", views.patients, name="patients"),
    path("s1/", views.s1_today, name="s1-today"),
    path("s1/<isodate:day>/", views.s1_page, name="s1"),
    path("exports/s1/<isodate:day>.csv", views.s1_export_csv, name="s1-csv"),
    path("exports/s1/<isodate:day>.xlsx", views.s1_export_xlsx, name="s1-xlsx"),
]
