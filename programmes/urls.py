from django.urls import path

from . import views

urlpatterns = [
    path("regions/<slug:slug>/", views.region_home, name="region_home"),
]
