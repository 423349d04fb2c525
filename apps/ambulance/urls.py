from django.urls import path

from . import views

app_name = "ambulance"
urlpatterns = [
    path("ambulance/", views.index, name="index"),
]
