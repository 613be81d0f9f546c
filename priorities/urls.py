from django.urls import path

from . import views

R = "regions/<slug:slug>/"

urlpatterns = [
    # The plan's page, and what builds its priority areas and objectives
    path(f"{R}plans/import/", views.plans.plan_import, name="plan_import"),
    path(f"{R}plans/<int:plan_id>/", views.plans.plan_detail, name="plan_detail"),
    path(f"{R}plans/<int:plan_id>/copy/", views.plans.plan_copy, name="plan_copy"),
    path(f"{R}plans/<int:plan_id>/export.csv", views.plans.plan_export_csv, name="plan_export_csv"),
    path(f"{R}plans/<int:plan_id>/export.xlsx", views.plans.plan_export_xlsx, name="plan_export_xlsx"),
    path(f"{R}plans/<int:plan_id>/report.pdf", views.plans.plan_export_pdf, name="plan_export_pdf"),
    path(f"{R}my-priorities/", views.my_priorities, name="my_priorities"),
    # Priority areas and key objectives
    path(f"{R}plans/<int:plan_pk>/priorities/", views.plan_priorities, name="plan_priorities"),
    path(f"{R}plans/<int:plan_pk>/priorities/new/", views.priority_area_create, name="priority_area_create"),
    path(f"{R}plans/<int:plan_pk>/renumber/", views.objective_renumber, name="objective_renumber"),
    path(f"{R}priorities/<int:pk>/", views.priority_area_detail, name="priority_area_detail"),
    path(f"{R}priorities/<int:pk>/edit/", views.priority_area_edit, name="priority_area_edit"),
    path(f"{R}priorities/<int:pk>/handover/", views.priority_area_handover, name="priority_area_handover"),
    path(f"{R}priorities/<int:pk>/objectives/new/", views.objective_create, name="objective_create"),
    path(f"{R}objectives/<int:pk>/", views.objective_detail, name="objective_detail"),
    path(f"{R}objectives/<int:pk>/edit/", views.objective_edit, name="objective_edit"),
    path(f"{R}objectives/<int:pk>/sign-off/", views.objective_sign_off, name="objective_sign_off"),
    # Quarterly updates and their evidence
    path(f"{R}objectives/<int:pk>/updates/<int:quarter>/", views.update_edit, name="update_edit"),
    path(f"{R}updates/<int:pk>/history/", views.update_history, name="update_history"),
    path(f"{R}evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path(f"{R}evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    # Quarterly meetings
    path(f"{R}meetings/", views.meeting_list, name="meeting_list"),
    path(f"{R}meetings/new/", views.meeting_create, name="meeting_create"),
    path(f"{R}meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path(f"{R}meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(f"{R}meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(f"{R}meetings/<int:pk>/pack.pdf", views.meeting_pack_pdf, name="meeting_pack_pdf"),
    path(f"{R}meetings/<int:pk>/actions/", views.meeting_action_create, name="meeting_action_create"),
    path(f"{R}actions/<int:pk>/toggle/", views.meeting_action_toggle, name="meeting_action_toggle"),
    # Projects badged as SLI
    path(f"{R}projects/", views.project_list, name="project_list"),
    path(f"{R}projects/new/", views.project_create, name="project_create"),
    path(f"{R}projects/<int:pk>/", views.project_detail, name="project_detail"),
    path(f"{R}projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
]
