from django.urls import path

from . import site_views, views, wall_views, ward_views

app_name = "board"
urlpatterns = [
    path("", views.index, name="index"),
    path("board/events/", views.board_events, name="events"),
    path("wall/", wall_views.wall, name="wall"),
    path("sites/<str:code>/", site_views.site, name="site"),
    path("sites/<str:code>/wards/<str:ward>/", ward_views.ward, name="ward"),
    path("sites/<str:code>/wards/<str:ward>/beds/<str:bed>/", site_views.bed, name="bed"),
]
