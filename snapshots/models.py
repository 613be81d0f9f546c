"""The monthly SLI snapshot: the region's newsletter, compiled from live data and published as
an accessible HTML page and a tagged PDF."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from programmes.models import Region


class SnapshotQuerySet(models.QuerySet):
    def published(self) -> SnapshotQuerySet:
        return self.filter(state=Snapshot.State.PUBLISHED)


class Snapshot(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready to publish"
        PUBLISHED = "published", "Published"
        FAILED = "failed", "Failed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="snapshots")
    month = models.DateField(help_text="The first day of the month the snapshot covers")
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    error = models.TextField(blank=True, help_text="Why the last render failed")
    # Editorial sections, written by the coordinator in Markdown (rendered safely, no raw HTML).
    introduction = models.TextField(blank=True)
    highlights = models.TextField(blank=True)
    adph_updates = models.TextField("ADPH updates", blank=True)
    pdf = models.FileField(upload_to="snapshots/pdf/", blank=True)
    html = models.FileField(upload_to="snapshots/html/", blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    render_requested_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SnapshotQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="snapshot_one_per_region_and_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="snapshot_month_is_first_day"),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="snapshot_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "The month is stored as its first day"})
