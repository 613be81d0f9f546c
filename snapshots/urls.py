import datetime

from django.urls import path, register_converter

from . import views
from .feeds import PublishedSnapshotsFeed


class MonthConverter:
    """2024-03 in a URL ↔ datetime.date(2024, 3, 1)."""

    regex = r"[0-9]{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> datetime.date:
        return datetime.datetime.strptime(value, "%Y-%m").date()

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


register_converter(MonthConverter, "month")

urlpatterns = [
    # The region's workspace
    path("regions/<slug:slug>/snapshots/", views.snapshot_list, name="snapshot_list"),
    path("regions/<slug:slug>/snapshots/<month:month>/", views.snapshot_detail, name="snapshot_detail"),
    path("regions/<slug:slug>/snapshots/<month:month>/edit/", views.snapshot_edit, name="snapshot_edit"),
    path("regions/<slug:slug>/snapshots/<month:month>/preview/", views.snapshot_preview, name="snapshot_preview"),
    path("regions/<slug:slug>/snapshots/<month:month>/pdf/", views.snapshot_rendered_pdf, name="snapshot_rendered_pdf"),
    path("regions/<slug:slug>/snapshots/<month:month>/render/", views.snapshot_render, name="snapshot_render"),
    path(
        "regions/<slug:slug>/snapshots/<month:month>/return-to-draft/",
        views.snapshot_return_to_draft,
        name="snapshot_return_to_draft",
    ),
    path("regions/<slug:slug>/snapshots/<month:month>/publish/", views.snapshot_publish, name="snapshot_publish"),
    path("regions/<slug:slug>/snapshots/<month:month>/withdraw/", views.snapshot_withdraw, name="snapshot_withdraw"),
    # The public archive and the e-bulletin
    path("snapshots/<slug:slug>/", views.snapshot_archive, name="snapshot_archive"),
    path("snapshots/<slug:slug>/feed/", PublishedSnapshotsFeed(), name="snapshot_feed"),
    path("snapshots/<slug:slug>/<month:month>/", views.snapshot_page, name="snapshot_page"),
    path("snapshots/<slug:slug>/<month:month>.pdf", views.snapshot_pdf, name="snapshot_pdf"),
    path("snapshots/<slug:slug>/subscribe/", views.snapshot_subscribe, name="snapshot_subscribe"),
    path(
        "snapshots/<slug:slug>/subscribe/<str:token>/confirm/",
        views.snapshot_subscribe_confirm,
        name="snapshot_subscribe_confirm",
    ),
    path("snapshots/<slug:slug>/unsubscribe/<str:token>/", views.snapshot_unsubscribe, name="snapshot_unsubscribe"),
    path(
        "snapshots/<slug:slug>/stop-member-emails/<str:token>/",
        views.snapshot_stop_circulation,
        name="snapshot_stop_circulation",
    ),
]
