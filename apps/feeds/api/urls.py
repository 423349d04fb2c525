from django.urls import path

from . import views

urlpatterns = [
    path("feeds/", views.FeedListView.as_view(), name="feeds"),
]
