from django.urls import path

from . import views

urlpatterns = [
    path("regions/<slug:slug>/", views.region_home, name="region_home"),
    path("regions/<slug:slug>/plan/", views.public_plan, name="public_plan"),
    path("regions/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("regions/<slug:slug>/plans/", views.plan_list, name="plan_list"),
    path("regions/<slug:slug>/plans/new/", views.plan_create, name="plan_create"),
    path("regions/<slug:slug>/plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("regions/<slug:slug>/plans/<int:plan_id>/status/", views.plan_status, name="plan_status"),
    path("regions/<slug:slug>/events/", views.event_list, name="event_list"),
    path("regions/<slug:slug>/events/new/", views.event_create, name="event_create"),
    path("regions/<slug:slug>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("regions/<slug:slug>/events/<int:event_id>/delete/", views.event_delete, name="event_delete"),
    path("national/", views.national_view, name="national_view"),
    path("regions/", views.national_public_summary, name="national_public_summary"),
    path("regions/<slug:slug>/annual-report/<int:year>.csv", views.national_report_csv, name="national_report_csv"),
    path("regions/<slug:slug>/annual-report/<int:year>.pdf", views.national_report_pdf, name="national_report_pdf"),
]
