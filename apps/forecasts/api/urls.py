from django.urls import path

from . import views

urlpatterns = [
    path("forecasts/", views.ForecastView.as_view(), name="forecasts"),
    path("forecasts/beds/", views.BedOutlookView.as_view(), name="forecasts-beds"),
]
