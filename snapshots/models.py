"""The monthly SLI snapshot: the region's newsletter, compiled from live data and published as
an accessible HTML page and a tagged PDF."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from case_studies.models import CaseStudy
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
    # Shown as the "case study of the month" while it stays published.
    featured_case_study = models.ForeignKey(
        CaseStudy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="featured_in_snapshots",
        verbose_name="case study of the month",
    )
    pdf = models.FileField(upload_to="snapshots/pdf/", blank=True)
    html = models.FileField(upload_to="snapshots/html/", blank=True)
    page_count = models.PositiveSmallIntegerField(null=True, blank=True)
    # Stored at render: a list page never asks the storage (one request each on object storage).
    pdf_bytes = models.PositiveIntegerField("PDF size in bytes", null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    render_requested_at = models.DateTimeField(null=True, blank=True)
    # Set by the worker that picked the render up; empty while the request waits in the queue
    # (or never reached it because the broker was down), which is how the sweep tells the two apart.
    render_started_at = models.DateTimeField(null=True, blank=True)
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

    def get_absolute_url(self) -> str:
        """The public page; it answers only while the snapshot is published."""
        return reverse("snapshot_page", args=[self.region.slug, self.month_slug])

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "The month is stored as its first day"})

    STATE_TAGS = {
        State.DRAFT: "govuk-tag--grey",
        State.RENDERING: "govuk-tag--light-blue",
        State.READY: "govuk-tag--yellow",
        State.PUBLISHED: "govuk-tag--green",
        State.FAILED: "govuk-tag--red",
        State.WITHDRAWN: "govuk-tag--orange",
    }

    @property
    def state_tag_class(self) -> str:
        return self.STATE_TAGS.get(self.state, "")

    # --- Addresses ---------------------------------------------------------------------------

    @property
    def month_slug(self) -> str:
        """The month as it appears in URLs: 2024-03."""
        return f"{self.month:%Y-%m}"

    def get_pdf_url(self) -> str:
        return reverse("snapshot_pdf", args=[self.region.slug, self.month_slug])

    def get_workspace_url(self) -> str:
        return reverse("snapshot_detail", args=[self.region.slug, self.month_slug])

    @property
    def pdf_filename(self) -> str:
        """sw-sli-snapshot-2024-03.pdf: the network's short name, lowercased, as people say it."""
        return f"{region_file_prefix(self.region)}-sli-snapshot-{self.month_slug}.pdf"

    @property
    def pdf_size(self) -> int | None:
        """The PDF's size in bytes as recorded when it was rendered (None before)."""
        return self.pdf_bytes if self.pdf else None

    # --- The lifecycle -----------------------------------------------------------------------
    # draft → rendering → ready → published ⇄ withdrawn; rendering → failed → rendering.
    # Content changes only in draft, ready or failed; changing a ready snapshot makes it a
    # draft again because its files no longer show the content.

    EDITABLE_STATES = (State.DRAFT, State.READY, State.FAILED)
    RENDERABLE_STATES = (State.DRAFT, State.READY, State.FAILED)

    def can_edit(self) -> bool:
        return self.state in self.EDITABLE_STATES

    def can_request_render(self) -> bool:
        return self.state in self.RENDERABLE_STATES

    def can_publish(self) -> bool:
        return self.state == self.State.READY and bool(self.pdf) and bool(self.html)

    def can_withdraw(self) -> bool:
        return self.state == self.State.PUBLISHED

    def can_republish(self) -> bool:
        return self.state == self.State.WITHDRAWN and bool(self.pdf) and bool(self.html)

    def can_return_to_draft(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED, self.State.WITHDRAWN)

    def _refuse(self, action: str) -> ValidationError:
        return ValidationError(
            f"You cannot {action} a snapshot that is {self.get_state_display().lower()}", code="invalid_state"
        )

    def mark_rendering(self, *, now=None) -> None:
        """Ask for a render: the snapshot is locked until the worker marks it ready or failed."""
        if not self.can_request_render():
            raise self._refuse("render")
        self.state = self.State.RENDERING
        self.error = ""
        self.render_requested_at = now or timezone.now()
        self.render_started_at = None
        self.save(update_fields=["state", "error", "render_requested_at", "render_started_at"])

    def mark_ready(self, *, content_hash: str, page_count: int | None = None, now=None) -> None:
        if self.state != self.State.RENDERING:
            raise self._refuse("finish rendering")
        self.state = self.State.READY
        self.error = ""
        self.content_hash = content_hash
        if page_count is not None:
            self.page_count = page_count
        self.rendered_at = now or timezone.now()
        fields = ["state", "error", "content_hash", "page_count", "rendered_at", "pdf", "html", "pdf_bytes"]
        self.save(update_fields=fields)

    def mark_failed(self, *, error: str) -> None:
        if self.state != self.State.RENDERING:
            raise self._refuse("fail")
        self.state = self.State.FAILED
        self.error = error[:2000] or "The render failed without a message"
        self.save(update_fields=["state", "error"])

    def publish(self, *, by, now=None) -> None:
        if not self.can_publish():
            raise self._refuse("publish")
        self._make_public(by=by, now=now)

    def republish(self, *, by, now=None) -> None:
        if not self.can_republish():
            raise self._refuse("republish")
        self._make_public(by=by, now=now)

    def _make_public(self, *, by, now) -> None:
        self.state = self.State.PUBLISHED
        self.published_at = now or timezone.now()
        self.published_by = by
        self.withdrawn_reason = ""
        self._history_user = by  # the audit trail names the publisher, in a request or not
        self.save(update_fields=["state", "published_at", "published_by", "withdrawn_reason"])

    def withdraw(self, *, reason: str, by=None) -> None:
        if not self.can_withdraw():
            raise self._refuse("withdraw")
        if not reason.strip():
            raise ValidationError({"reason": "Enter why the snapshot is withdrawn"})
        self.state = self.State.WITHDRAWN
        self.withdrawn_reason = reason.strip()
        if by is not None:
            self._history_user = by
        self.save(update_fields=["state", "withdrawn_reason"])

    def return_to_draft(self) -> None:
        if not self.can_return_to_draft():
            raise self._refuse("return to draft")
        self.state = self.State.DRAFT
        self.error = ""
        self.save(update_fields=["state", "error"])


def region_file_prefix(region: Region) -> str:
    """ "SW ADPH" → "sw": the network's short name without the ADPH suffix, for file names."""
    from django.utils.text import slugify

    name = (region.network_name or "").strip()
    words = [word for word in name.split() if word.upper() != "ADPH"]
    prefix = slugify(" ".join(words)) if words else ""
    if not prefix:
        # No network name: the initials of the region ("North East" → "ne").
        prefix = "".join(word[0] for word in region.name.split() if word[:1].isalnum()).lower()
    return prefix or region.slug


def new_token() -> str:
    return secrets.token_urlsafe(32)


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriberQuerySet:
        return self.filter(confirmed_at__isnull=False)


class Subscriber(models.Model):
    """Someone who asked for the region's improvement e-bulletin: an e-mail when a snapshot is published.

    Opt-in: the address receives nothing but the confirmation link until its owner follows it.
    The token in the confirmation and unsubscribe links is the only credential; unsubscribing
    deletes the row, so the portal keeps no address it no longer needs.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="snapshot_subscribers")
    email = models.EmailField("e-mail address")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["region__name", "email"]
        constraints = [
            models.UniqueConstraint(fields=["region", "email"], name="subscriber_one_per_region_and_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.region})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def confirm(self, *, now=None) -> None:
        if self.is_confirmed:
            return
        self.confirmed_at = now or timezone.now()
        self.save(update_fields=["confirmed_at"])


class CirculationOptOut(models.Model):
    """A member who asked, in one click, to stop getting the snapshots the region e-mails to all
    its members (`Region.email_snapshots_to_members`). Subscribers unsubscribe on their own row."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "user"], name="circulation_opt_out_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} stopped the {self.region} snapshot e-mails"
