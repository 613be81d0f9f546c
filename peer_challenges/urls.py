from django.urls import path

from . import views

PREFIX = "regions/<slug:slug>/peer-challenges/"

urlpatterns = [
    path(PREFIX, views.schedule, name="peer_challenge_schedule"),
    path(f"{PREFIX}schedule.csv", views.schedule_export, {"fmt": "csv"}, name="peer_challenge_schedule_csv"),
    path(f"{PREFIX}schedule.xlsx", views.schedule_export, {"fmt": "xlsx"}, name="peer_challenge_schedule_xlsx"),
    path(f"{PREFIX}timeline/", views.timeline, name="peer_challenge_timeline"),
    path(f"{PREFIX}timetable/", views.timetable_settings, name="peer_challenge_timetable"),
    path(f"{PREFIX}planner/", views.planner, name="peer_challenge_planner"),
    path(f"{PREFIX}planner/<int:council_pk>/", views.council_prompts, name="peer_challenge_council"),
    path(f"{PREFIX}planner/<int:council_pk>/agreed/", views.plan, name="peer_challenge_plan"),
    path(f"{PREFIX}planner/<int:council_pk>/adviser/", views.lga_adviser, name="peer_challenge_adviser"),
    path(f"{PREFIX}themes/", views.recommendation_themes, name="peer_challenge_themes"),
    path(f"{PREFIX}peers/", views.peer_pool, name="peer_pool"),
    path(f"{PREFIX}peers/new/", views.peer_edit, name="peer_create"),
    path(f"{PREFIX}peers/<int:peer_pk>/", views.peer_edit, name="peer_edit"),
    path(f"{PREFIX}calendar/", views.calendar_page, name="peer_challenge_calendar"),
    path(f"{PREFIX}calendar/token/", views.calendar_token, name="peer_challenge_calendar_token"),
    path(f"{PREFIX}calendar/token/revoke/", views.calendar_token_revoke, name="peer_challenge_calendar_token_revoke"),
    path(f"{PREFIX}new/", views.create, name="peer_challenge_create"),
    path(f"{PREFIX}<int:pk>/", views.detail, name="peer_challenge_detail"),
    path(f"{PREFIX}<int:pk>/edit/", views.edit, name="peer_challenge_edit"),
    path(f"{PREFIX}<int:pk>/visit.ics", views.visit_ics, name="peer_challenge_ics"),
    path(f"{PREFIX}<int:pk>/stage/<str:stage>/", views.move_stage, name="peer_challenge_stage"),
    path(f"{PREFIX}<int:pk>/postpone/", views.postpone, name="peer_challenge_postpone"),
    path(f"{PREFIX}<int:pk>/cancel/", views.cancel, name="peer_challenge_cancel"),
    path(f"{PREFIX}<int:pk>/team/add/", views.team_member, name="peer_team_member_add"),
    path(f"{PREFIX}<int:pk>/team/<int:member_pk>/", views.team_member, name="peer_team_member_edit"),
    path(f"{PREFIX}<int:pk>/team/<int:member_pk>/remove/", views.team_member_remove, name="peer_team_member_remove"),
    path(f"{PREFIX}<int:pk>/focus-areas/", views.focus_areas, name="peer_challenge_focus_areas"),
    path(f"{PREFIX}<int:pk>/recommendations/add/", views.recommendation, name="peer_recommendation_add"),
    path(
        f"{PREFIX}<int:pk>/recommendations/<int:recommendation_pk>/",
        views.recommendation,
        name="peer_recommendation_edit",
    ),
    path(
        f"{PREFIX}<int:pk>/recommendations/<int:recommendation_pk>/remove/",
        views.recommendation_remove,
        name="peer_recommendation_remove",
    ),
    # The token is the credential: calendar applications cannot sign in.
    path("peer-challenges/calendar/<str:token>.ics", views.feed, name="peer_challenge_feed"),
]
