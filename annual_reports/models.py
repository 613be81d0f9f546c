"""The annual SLI report: what a region's SLI lead sends the national ADPH SLI board each
financial year (1 April to 31 March).

A draft is compiled from live data each time it is read and carries the sections the SLI lead
and the coordinator write. Submission freezes it: `content` keeps everything the board reads, so
later changes to the plan never change a report already sent; a later edit makes a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from priorities.models import PriorityArea
from programmes.models import Region
from sli_portal.core.quarters import Quarter


class AnnualReportQuerySet(models.QuerySet):
    def sent(self) -> AnnualReportQuerySet:
        """What the national board reads: submitted versions, acknowledged or not."""
        return self.exclude(state=AnnualReport.State.DRAFT)


class AnnualReport(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    class Render(models.TextChoices):
        NONE = "", "Not rendered"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(help_text="The financial year's first calendar year: 2025 for 2025/26")
    version = models.PositiveSmallIntegerField(default=1)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    # The sections people write; the rest is compiled from the plan.
    summary = models.TextField("summary of the year", blank=True)
    risks = models.TextField("risks and issues", blank=True)
    asks_of_board = models.TextField("asks of the national board", blank=True)
    # Everything the report says, frozen at submission (annual_reports.compile.report_content).
    content = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField("the board's note", blank=True)
    pdf = models.FileField(upload_to="annual-reports/", blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    render_state = models.CharField(max_length=10, choices=Render.choices, default=Render.NONE, blank=True)
    render_error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "version"], name="annual_report_unique_version"),
            models.UniqueConstraint(
                fields=["region", "year"], condition=Q(state="draft"), name="annual_report_one_draft_a_year"
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False), name="annual_report_submitted_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(state="acknowledged") | Q(acknowledged_at__isnull=False),
                name="annual_report_acknowledged_has_time",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="annual_report_version_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.region} SLI annual report {self.financial_year} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("annual_report_version", args=[self.region.slug, self.year, self.version])

    def get_pdf_url(self) -> str:
        return reverse("annual_report_pdf", args=[self.region.slug, self.year, self.version])

    def clean(self):
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": "Enter a financial year between 2000 and 2100"})

    @property
    def financial_year(self) -> str:
        return Quarter(self.year, 1).financial_year

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def filename(self) -> str:
        return f"{self.region.slug}-sli-annual-report-{self.year}-{(self.year + 1) % 100:02d}-v{self.version}.pdf"


class PriorityAchievement(models.Model):
    """What a priority area achieved in the year, in the lead's words (one per priority area)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="achievements")
    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["priority_area__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "priority_area"], name="priority_achievement_one_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: priority {self.priority_area.number}"
