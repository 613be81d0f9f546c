"""Admin for the monthly snapshots."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Snapshot, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Read-mostly: people subscribe and unsubscribe themselves; an admin may remove an address."""

    list_display = ["email", "region", "created_at", "confirmed_at"]
    list_filter = ["region", ("confirmed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["region"]
    search_fields = ["email"]
    readonly_fields = ["token", "created_at", "confirmed_at"]


@admin.register(Snapshot)
class SnapshotAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "month_label", "state", "rendered_at", "published_at"]
    list_filter = ["region", "state"]
    list_select_related = ["region"]
    search_fields = ["title", "region__name"]
    date_hierarchy = "month"
    history_list_display = ["state"]
    # The state, the files and their timestamps move together through the render and publish
    # services; editing one by hand here would leave the others out of step.
    readonly_fields = [
        "state",
        "error",
        "pdf",
        "html",
        "page_count",
        "content_hash",
        "render_requested_at",
        "render_started_at",
        "rendered_at",
        "published_at",
        "published_by",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["region", "month", "title"]}),
        ("Editorial sections", {"fields": ["introduction", "highlights", "adph_updates"]}),
        (
            "Rendering and publication",
            {
                "fields": [
                    "state",
                    "error",
                    "pdf",
                    "html",
                    "page_count",
                    "content_hash",
                    "render_requested_at",
                    "render_started_at",
                    "rendered_at",
                    "published_at",
                    "published_by",
                    "withdrawn_reason",
                    "created_at",
                ]
            },
        ),
    ]

    @admin.display(description="month", ordering="month")
    def month_label(self, snapshot: Snapshot) -> str:
        return f"{snapshot.month:%B %Y}"
