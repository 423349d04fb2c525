from django.urls import path

from . import views

app_name = "forecasts"
urlpatterns = [
    path("forecasts/", views.index, name="index"),
]
