"""Admin for LGA peer challenges and their peer teams."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FocusArea, PeerChallenge, PeerTeamMember, Recommendation


class PeerTeamMemberInline(admin.TabularInline):
    model = PeerTeamMember
    fields = ["name", "role", "job_title", "home_council", "home_organisation", "political_party"]
    autocomplete_fields = ["home_council"]
    extra = 0


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    fields = ["position", "text"]
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    fields = ["text", "council_response", "status"]
    extra = 0


@admin.register(PeerChallenge)
class PeerChallengeAdmin(SimpleHistoryAdmin):
    list_display = [
        "local_authority",
        "kind",
        "stage",
        "onsite_start",
        "onsite_end",
        "report_published_on",
        "progress_review_date",
    ]
    list_filter = ["local_authority__region", "kind", "stage"]
    list_select_related = ["local_authority"]
    search_fields = ["local_authority__name", "local_authority__gss_code", "notes"]
    autocomplete_fields = ["local_authority"]
    date_hierarchy = "onsite_start"
    history_list_display = ["stage"]
    fieldsets = [
        (None, {"fields": ["local_authority", "kind", "stage", "status_reason"]}),
        (
            "Visit",
            {
                "fields": [
                    "scoping_date",
                    "position_statement_received_on",
                    "onsite_start",
                    "onsite_end",
                    "feedback_date",
                ]
            },
        ),
        (
            "Publication",
            {"fields": ["report_published_on", "report_url", "action_plan_published_on", "action_plan_url"]},
        ),
        (
            "Follow-up",
            {
                "fields": [
                    "progress_review_date",
                    "progress_review_report_published_on",
                    "progress_review_report_url",
                ]
            },
        ),
        (None, {"fields": ["notes"]}),
    ]
    inlines = [PeerTeamMemberInline, FocusAreaInline, RecommendationInline]
