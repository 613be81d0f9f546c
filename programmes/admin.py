"""Admin for the frame of the programme: regions, councils, memberships, plans and events.

The admin is the superusers' back office; coordinators run their region through the portal.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionPlan, Event, LocalAuthority, Membership, Region


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "local_authority", "job_title"]
    autocomplete_fields = ["user", "local_authority"]
    extra = 0


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "network_name", "gss_code", "coordinator_email", "update_due_days"]
    search_fields = ["name", "network_name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "gss_code", "network_name", "coordinator_email", "intro"]}),
        (
            "Deadlines",
            {"fields": ["update_due_days", "peer_challenge_due_years", "peer_challenge_overdue_years"]},
        ),
        ("Public pages and snapshot cover", {"fields": ["show_rag_publicly", "accent_colour", "logo"]}),
    ]
    inlines = [MembershipInline]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "region", "kind", "active"]
    list_filter = ["region", "kind", "active"]
    list_select_related = ["region"]
    search_fields = ["name", "gss_code"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "region", "local_authority", "job_title", "created_at"]
    list_filter = ["region", "role"]
    list_select_related = ["user", "region", "local_authority"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email", "job_title"]
    autocomplete_fields = ["user", "local_authority"]
    readonly_fields = ["created_at"]


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "status", "start_date", "end_date", "approved_on"]
    list_filter = ["region", "status"]
    list_select_related = ["region"]
    search_fields = ["title", "region__name"]
    autocomplete_fields = ["builds_on"]
    readonly_fields = ["created_at"]
    history_list_display = ["status"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "region", "starts_at", "ends_at", "location"]
    list_filter = ["region"]
    list_select_related = ["region"]
    search_fields = ["title", "location", "description"]
    date_hierarchy = "starts_at"
