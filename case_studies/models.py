"""Case studies: what a council or the network did about a public-health problem, written by a
region's members and published by its coordinator as shared good practice."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from priorities.models import KeyObjective, Project
from programmes.models import LocalAuthority, Region


class Topic(models.Model):
    """A public-health theme shared by every region, so the public list filters across regions.

    The common ones are seeded by a migration; an administrator adds more in the Django admin.
    """

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CaseStudyQuerySet(models.QuerySet):
    def published(self) -> CaseStudyQuerySet:
        return self.filter(state=CaseStudy.State.PUBLISHED)


class CaseStudy(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="case_studies")
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="Two or three sentences: shown in lists, search results and feeds")
    problem = models.TextField("the problem")
    what_was_done = models.TextField("what was done")
    impact = models.TextField("impact and evidence")
    contact = models.CharField(
        max_length=300, help_text="Who to ask about it: a name and an e-mail address, shown with the case study"
    )
    topics = models.ManyToManyField(Topic, related_name="case_studies")
    councils = models.ManyToManyField(LocalAuthority, blank=True, related_name="case_studies")
    project = models.ForeignKey(Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_studies")
    objectives = models.ManyToManyField(KeyObjective, blank=True, related_name="case_studies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="case_studies"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseStudyQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[topics, councils, objectives])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name_plural = "case studies"
        constraints = [
            # The title names a case study in its region (and in the region's archive).
            models.UniqueConstraint(
                fields=["region", "title"],
                name="case_study_unique_title_in_region",
                violation_error_message="The region already has a case study with this title: enter another title",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="case_study_published_has_time",
            ),
        ]
        indexes = [models.Index(fields=["state", "-published_at"], name="case_study_state_published")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """The public page; it answers only while the case study is published."""
        return reverse("case_study_page", args=[self.pk, self.slug])

    def clean(self):
        if self.project_id and self.region_id and self.project.region_id != self.region_id:
            raise ValidationError({"project": "Select a project of the region"})

    @property
    def slug(self) -> str:
        """The title in the public address, for people reading it; the id finds the row."""
        return slugify(self.title)[:80] or "case-study"

    def get_workspace_url(self) -> str:
        return reverse("case_study_detail", args=[self.region.slug, self.pk])

    STATE_TAGS = {
        State.DRAFT: "govuk-tag--grey",
        State.PUBLISHED: "govuk-tag--green",
        State.WITHDRAWN: "govuk-tag--orange",
    }

    @property
    def state_tag_class(self) -> str:
        return self.STATE_TAGS.get(self.state, "")

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    # --- The lifecycle: draft → published ⇄ withdrawn ----------------------------------------

    def can_publish(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.WITHDRAWN)

    def can_withdraw(self) -> bool:
        return self.state == self.State.PUBLISHED

    def publish(self, *, by, now=None) -> None:
        if not self.can_publish():
            raise ValidationError("This case study is already published", code="invalid_state")
        self.state = self.State.PUBLISHED
        self.published_at = now or timezone.now()
        self.published_by = by
        self._history_user = by
        self.save(update_fields=["state", "published_at", "published_by", "updated_at"])

    def withdraw(self, *, by) -> None:
        """Off the public pages, the search and the feeds; kept in the region's list to amend
        and publish again. `published_at` stays: it says when it was last public."""
        if not self.can_withdraw():
            raise ValidationError("Only a published case study can be withdrawn", code="invalid_state")
        self.state = self.State.WITHDRAWN
        self._history_user = by
        self.save(update_fields=["state", "updated_at"])


def attachment_upload_to(instance: CaseStudyAttachment, filename: str) -> str:
    """A generated name: never the uploader's, which could clash or carry a path or a script."""
    extension = os.path.splitext(filename)[1].lower()
    return f"case-studies/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class CaseStudyAttachment(models.Model):
    """A file that goes with a case study, checked like evidence (kind, content, size).

    Served by a view that checks access, never from a public media URL: anyone may download
    those of a published case study (they are the shared good practice), only the region's
    members those of a draft or withdrawn one.
    """

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=attachment_upload_to)
    original_name = models.CharField(max_length=255, blank=True, help_text="The file's name on the uploader's computer")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("case_study_attachment", args=[self.case_study_id, self.pk])
