from django.urls import path

from . import views

app_name = "virtualwards"
urlpatterns = [
    path("virtual-wards/", views.index, name="index"),
]
