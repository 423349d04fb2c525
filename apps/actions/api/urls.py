from django.urls import path

from . import views

urlpatterns = [
    path("calls/", views.CallListView.as_view(), name="calls"),
    path("calls/<int:pk>/", views.CallDetailView.as_view(), name="call"),
    path("actions/", views.ActionListView.as_view(), name="actions"),
    path("actions/<int:pk>/done/", views.ActionDoneView.as_view(), name="action-done"),
    path("actions/<int:pk>/cancel/", views.ActionCancelView.as_view(), name="action-cancel"),
]
