"""Admin for priority areas, key objectives, quarterly updates and meetings, and SLI projects."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from programmes.admin import ActionPlanAdmin
from programmes.models import ActionPlan

from .models import Evidence, KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate

# Sign-off is recorded by the "Record network sign-off" action, which sets who and when together:
# editing these by hand could leave a signed-off objective without its time.
SIGN_OFF_FIELDS = ["sign_off_state", "signed_off_by", "signed_off_at", "sign_off_note"]


class QuarterAdminMixin:
    """Shows a QuarterField as its label ("2023/24 Q2") in the changelist."""

    @admin.display(description="quarter", ordering="quarter")
    def quarter_label(self, obj) -> str:
        return str(obj.quarter)


class KeyObjectiveInline(admin.TabularInline):
    model = KeyObjective
    fields = ["number", "title", "target_date", "sign_off_state"]
    readonly_fields = ["sign_off_state"]
    show_change_link = True
    extra = 0


@admin.register(PriorityArea)
class PriorityAreaAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "lead", "deputy_lead"]
    list_display_links = ["number", "title"]
    list_filter = ["plan__region", "plan"]
    list_select_related = ["plan", "lead", "deputy_lead"]
    search_fields = ["title", "plan__title"]
    autocomplete_fields = ["plan", "lead", "deputy_lead"]
    inlines = [KeyObjectiveInline]


@admin.register(KeyObjective)
class KeyObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "priority_area", "plan", "target_date", "sign_off_state", "signed_off_at"]
    list_display_links = ["number", "title"]
    list_filter = ["plan__region", "sign_off_state", "plan"]
    list_select_related = ["priority_area", "plan"]
    search_fields = ["title", "description", "priority_area__title"]
    autocomplete_fields = ["priority_area"]
    readonly_fields = ["plan", *SIGN_OFF_FIELDS]
    history_list_display = ["sign_off_state"]
    fieldsets = [
        (None, {"fields": ["priority_area", "plan", "number", "title", "description", "target_date"]}),
        ("Network sign-off", {"fields": SIGN_OFF_FIELDS}),
    ]
    actions = ["record_sign_off"]

    @admin.action(description="Record network sign-off", permissions=["change"])
    def record_sign_off(self, request, queryset):
        # sign_off() saves, and save() reads the priority area's plan: load both in the one query.
        proposed = queryset.filter(sign_off_state=KeyObjective.SignOff.PROPOSED).select_related("priority_area")
        signed = 0
        for objective in proposed:
            objective.sign_off(by=request.user)
            signed += 1
        skipped = queryset.count() - signed
        message = ngettext(
            "Recorded the network sign-off of %(count)d key objective.",
            "Recorded the network sign-off of %(count)d key objectives.",
            signed,
        ) % {"count": signed}
        if skipped:
            message += " " + ngettext(
                "%(count)d was already signed off.", "%(count)d were already signed off.", skipped
            ) % {"count": skipped}
        self.message_user(request, message, messages.SUCCESS if signed else messages.WARNING)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fields = ["title", "link", "file", "added_by", "added_at"]
    readonly_fields = ["added_at"]
    autocomplete_fields = ["added_by"]
    extra = 0


@admin.register(QuarterlyUpdate)
class QuarterlyUpdateAdmin(QuarterAdminMixin, SimpleHistoryAdmin):
    list_display = ["key_objective", "quarter_label", "rag_status", "author", "submitted_at", "version"]
    list_filter = ["key_objective__plan__region", "quarter", "rag_status"]
    list_select_related = ["key_objective", "author"]
    search_fields = ["key_objective__title", "progress", "achievements", "risks_and_issues", "next_steps"]
    autocomplete_fields = ["key_objective", "author"]
    readonly_fields = ["submitted_at", "version", "updated_at"]
    history_list_display = ["rag_status", "version"]
    date_hierarchy = "submitted_at"
    inlines = [EvidenceInline]


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    fields = ["description", "owner", "owner_name", "due_date", "done_at"]
    autocomplete_fields = ["owner"]
    # A full-size textarea per row makes the tabular inline unreadable.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 50})}}
    extra = 0


@admin.register(QuarterlyMeeting)
class QuarterlyMeetingAdmin(QuarterAdminMixin, SimpleHistoryAdmin):
    list_display = ["priority_area", "quarter_label", "starts_at", "location"]
    list_filter = ["priority_area__plan__region", "quarter"]
    list_select_related = ["priority_area"]
    search_fields = ["priority_area__title", "notes", "decisions", "other_attendees"]
    autocomplete_fields = ["priority_area", "attendees"]
    date_hierarchy = "starts_at"
    inlines = [MeetingActionInline]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["title", "region", "status", "badged_on"]
    list_filter = ["region", "status"]
    list_select_related = ["region"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["councils", "key_objectives"]
    date_hierarchy = "badged_on"


# The plan's admin page lists its priority areas: this app adds them, programmes knows nothing of them.
class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    fields = ["number", "title", "lead", "deputy_lead"]
    autocomplete_fields = ["lead", "deputy_lead"]
    show_change_link = True
    extra = 0


admin.site.unregister(ActionPlan)


@admin.register(ActionPlan)
class ActionPlanWithPrioritiesAdmin(ActionPlanAdmin):
    inlines = [*ActionPlanAdmin.inlines, PriorityAreaInline]
