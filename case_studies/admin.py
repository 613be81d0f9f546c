"""Admin for topics (administrators add topics here) and case studies."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CaseStudy, CaseStudyAttachment, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class CaseStudyAttachmentInline(admin.TabularInline):
    model = CaseStudyAttachment
    fields = ["title", "original_name", "added_by", "added_at"]
    readonly_fields = ["original_name", "added_by", "added_at"]
    extra = 0


@admin.register(CaseStudy)
class CaseStudyAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "state", "published_at", "author"]
    list_filter = ["region", "state", "topics"]
    list_select_related = ["region", "author"]
    search_fields = ["title", "summary"]
    # Publishing and withdrawing go through the portal's pages, which ask before they act.
    readonly_fields = ["state", "published_at", "published_by", "created_at", "updated_at"]
    autocomplete_fields = ["project"]
    filter_horizontal = ["topics", "councils", "objectives"]
    inlines = [CaseStudyAttachmentInline]
