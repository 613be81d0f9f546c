from django.urls import path

from . import views

urlpatterns = [
    path("regions/<slug:slug>/plans/", views.plan_list, name="plan_list"),
    path("regions/<slug:slug>/plans/new/", views.plan_create, name="plan_create"),
    path("regions/<slug:slug>/plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("regions/<slug:slug>/plans/<int:plan_id>/status/", views.plan_status, name="plan_status"),
    path("regions/<slug:slug>/settings/", views.region_settings, name="region_settings"),
    path("regions/<slug:slug>/events/", views.event_list, name="event_list"),
    path("regions/<slug:slug>/events/new/", views.event_create, name="event_create"),
    path("regions/<slug:slug>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("regions/<slug:slug>/events/<int:event_id>/delete/", views.event_delete, name="event_delete"),
]
