from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AnnualReport, PriorityAchievement


class PriorityAchievementInline(admin.TabularInline):
    model = PriorityAchievement
    extra = 0
    raw_id_fields = ["priority_area"]


@admin.register(AnnualReport)
class AnnualReportAdmin(SimpleHistoryAdmin):
    list_display = ["region", "year", "version", "state", "submitted_at", "acknowledged_at", "render_state"]
    list_filter = ["state", "region"]
    list_select_related = ["region"]
    readonly_fields = ["content", "submitted_by", "submitted_at", "acknowledged_by", "acknowledged_at"]
    raw_id_fields = ["created_by"]
    inlines = [PriorityAchievementInline]
