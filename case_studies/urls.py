from django.urls import path

from . import feeds, views

R = "regions/<slug:slug>/case-studies/"

urlpatterns = [
    # The region's workspace
    path(R, views.case_study_region_list, name="case_study_region_list"),
    path(f"{R}new/", views.case_study_create, name="case_study_create"),
    path(f"{R}feed/", feeds.RegionCaseStudyFeed(), name="case_study_region_feed"),
    path(f"{R}<int:pk>/", views.case_study_detail, name="case_study_detail"),
    path(f"{R}<int:pk>/edit/", views.case_study_edit, name="case_study_edit"),
    path(f"{R}<int:pk>/publish/", views.case_study_publish, name="case_study_publish"),
    path(f"{R}<int:pk>/withdraw/", views.case_study_withdraw, name="case_study_withdraw"),
    path(
        f"{R}<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.case_study_attachment_delete,
        name="case_study_attachment_delete",
    ),
    # Public: the list, the pages, their attachments and the feed; the search, signed in
    path("case-studies/", views.case_study_list, name="case_study_list"),
    path("case-studies/search/", views.case_study_search, name="case_study_search"),
    path("case-studies/feed/", feeds.CaseStudyFeed(), name="case_study_feed"),
    path("case-studies/<int:pk>-<slug:slug>/", views.case_study_page, name="case_study_page"),
    path(
        "case-studies/<int:pk>/attachments/<int:attachment_pk>/",
        views.case_study_attachment,
        name="case_study_attachment",
    ),
]
