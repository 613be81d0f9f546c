"""What a plan aims at and how it moves: priority areas, key objectives, quarterly updates,
quarterly meetings and the QI projects badged under SLI."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from programmes.models import ActionPlan, LocalAuthority, Region
from sli_portal.core.quarters import Quarter, QuarterField


class PriorityArea(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="priority_areas")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_priority_areas",
        verbose_name="DPH lead",
    )
    deputy_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputised_priority_areas",
        verbose_name="deputy lead",
    )
    # Holders named by a handover "as interim", shown so on every page.
    lead_interim = models.BooleanField("interim DPH lead", default=False)
    deputy_interim = models.BooleanField("interim deputy lead", default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="priority_area_unique_number_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="priority_area_number_from_one"),
            models.CheckConstraint(
                condition=Q(deputy_lead__isnull=True) | ~Q(deputy_lead=F("lead")),
                name="priority_area_deputy_not_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"Priority {self.number}: {self.title}"

    def clean(self):
        if self.lead_id and self.lead_id == self.deputy_lead_id:
            raise ValidationError({"deputy_lead": "The deputy lead must be someone other than the DPH lead"})

    def is_led_by(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.lead_id, self.deputy_lead_id)

    @property
    def lead_label(self) -> str:
        """Today's DPH lead as every page names them ("Amelia Hart (interim)"); "" for none."""
        return _holder_label(self.lead, self.lead_interim)

    @property
    def deputy_label(self) -> str:
        return _holder_label(self.deputy_lead, self.deputy_interim)


def _holder_label(user, interim: bool) -> str:
    if user is None:
        return ""
    name = user.get_full_name() or user.get_username()
    return f"{name} (interim)" if interim else name


class Handover(models.Model):
    """The DPH lead or deputy role of a priority area passing to someone else from a date.

    The priority area's `lead`/`deputy_lead` name the holder today: a handover from today or
    earlier is applied at once, a later one by the daily job on its day. The handovers keep who
    held the role when, so the holder on a quarter's due date is the one who owes its update.
    """

    class Role(models.TextChoices):
        LEAD = "lead", "DPH lead"
        DEPUTY = "deputy", "Deputy lead"

    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="handovers")
    role = models.CharField(max_length=10, choices=Role.choices)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    starts_on = models.DateField()
    interim = models.BooleanField(default=False)
    # The previous holder may still write the area's updates until this day: the due date of the
    # quarter being collected when the handover starts, whose work was mostly theirs.
    previous_writes_until = models.DateField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority_area", "role", "starts_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.priority_area} to {self.to_user} from {self.starts_on}"


class KeyObjectiveQuerySet(models.QuerySet):
    def signed_off(self) -> KeyObjectiveQuerySet:
        """Objectives the network has signed off: the only ones any public output shows (the
        public plan and region page, snapshots, the annual report); a proposed objective is the
        network's draft, not yet anyone else's business."""
        return self.filter(sign_off_state=KeyObjective.SignOff.SIGNED_OFF)

    def awaiting_sign_off(self) -> KeyObjectiveQuerySet:
        """Proposed objectives, and signed-off ones whose title, description or target date
        changed since: both wait for the network's decision."""
        same_target = Q(target_date=F("agreed_target_date")) | Q(
            target_date__isnull=True, agreed_target_date__isnull=True
        )
        agreed = Q(title=F("agreed_title"), description=F("agreed_description")) & same_target
        return self.filter(Q(sign_off_state=KeyObjective.SignOff.PROPOSED) | ~agreed)

    def owing(self, quarter: Quarter) -> KeyObjectiveQuerySet:
        """Objectives that owe an update for `quarter` (shared/DESIGN.md, the reporting calendar):
        signed off by the network on or before the quarter's last day, the quarter's end within
        their plan's period, and not marked Complete by an update of an earlier quarter. A
        proposed objective owes nothing; nothing asks for, counts or accepts what is not owed."""
        end = quarter.end_date
        completed_earlier = QuarterlyUpdate.objects.submitted().filter(
            key_objective=OuterRef("pk"), quarter__lt=quarter.code, rag_status=QuarterlyUpdate.Rag.COMPLETE
        )
        return (
            self.signed_off()
            .filter(decided_on__lte=end, plan__start_date__lte=end, plan__end_date__gte=end)
            .filter(~Exists(completed_earlier))
        )


AGREED_FIELDS = ["agreed_title", "agreed_description", "agreed_target_date"]
SIGN_OFF_RECORD_FIELDS = [
    "sign_off_state",
    "signed_off_by",
    "signed_off_at",
    "sign_off_note",
    "decided_on",
    "decision_forum",
]


class KeyObjective(models.Model):
    class SignOff(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        SIGNED_OFF = "signed_off", "Signed off"

    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="key_objectives")
    # Kept beside priority_area so the database can hold numbers unique across the whole plan.
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="key_objectives", editable=False)
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    sign_off_state = models.CharField(max_length=12, choices=SignOff.choices, default=SignOff.PROPOSED)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signed_off_objectives",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, help_text="When the sign-off was recorded")
    sign_off_note = models.TextField(blank=True)
    # The network's decision: its date (what the reporting calendar counts from) and forum, and
    # the wording it agreed, which public outputs keep showing until a change is signed off too.
    decided_on = models.DateField("date of the network's decision", null=True, blank=True)
    decision_forum = models.CharField("where the network decided", max_length=200, blank=True)
    agreed_title = models.CharField(max_length=200, blank=True)
    agreed_description = models.TextField(blank=True)
    agreed_target_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    objects = KeyObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="key_objective_unique_number_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="key_objective_number_from_one"),
            models.CheckConstraint(
                condition=Q(sign_off_state="proposed") | Q(signed_off_at__isnull=False),
                name="key_objective_signed_off_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Key Objective {self.number}: {self.title}"

    def save(self, *args, **kwargs):
        self.plan_id = self.priority_area.plan_id
        if self.is_signed_off and self.decided_on is None and self.signed_off_at is not None:
            # A sign-off recorded without its decision (the admin, an import): decided that day,
            # on the wording it had.
            self.decided_on = timezone.localdate(self.signed_off_at)
            self._agree_current_wording()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "decided_on", *AGREED_FIELDS}
        super().save(*args, **kwargs)

    def _agree_current_wording(self) -> None:
        self.agreed_title, self.agreed_description = self.title, self.description
        self.agreed_target_date = self.target_date

    @property
    def has_changes_awaiting_sign_off(self) -> bool:
        """Signed off, then rewritten: the network has not agreed the new title, description or
        target date yet."""
        return self.is_signed_off and (self.title, self.description, self.target_date) != (
            self.agreed_title,
            self.agreed_description,
            self.agreed_target_date,
        )

    # What anyone outside the network reads: the wording the network agreed.
    @property
    def public_title(self) -> str:
        return self.agreed_title if self.is_signed_off and self.agreed_title else self.title

    @property
    def public_description(self) -> str:
        return self.agreed_description if self.is_signed_off and self.agreed_title else self.description

    @property
    def public_target_date(self):
        return self.agreed_target_date if self.is_signed_off and self.agreed_title else self.target_date

    def clean(self):
        # Forms leave `plan` out, so Django's own constraint check would skip the plan-wide
        # number and the database would raise IntegrityError instead of a form error.
        if self.priority_area_id:
            self.plan_id = self.priority_area.plan_id
            clash = KeyObjective.objects.filter(plan_id=self.plan_id, number=self.number).exclude(pk=self.pk)
            if self.number and clash.exists():
                raise ValidationError(
                    {"number": f"Key Objective {self.number} already exists in this plan: enter another number"}
                )

    @property
    def is_signed_off(self) -> bool:
        return self.sign_off_state == self.SignOff.SIGNED_OFF

    def sign_off(self, *, by, decided_on=None, forum: str = "", note: str = "") -> None:
        """Record the network's decision to agree this objective (or the changes made to it since
        it was signed off): the decision's date and forum, and who recorded it when. `by` is the
        SLI lead or coordinator."""
        if self.is_signed_off and not self.has_changes_awaiting_sign_off:
            raise ValidationError("This key objective is already signed off")
        decided_on = decided_on or timezone.localdate()
        if decided_on > timezone.localdate():
            raise ValidationError({"decided_on": "The date of the network's decision must be today or in the past"})
        self.sign_off_state = self.SignOff.SIGNED_OFF
        self.signed_off_by = by
        self.signed_off_at = timezone.now()
        self.sign_off_note = note
        self.decided_on = decided_on
        self.decision_forum = forum
        self._agree_current_wording()
        self._history_user = by  # the audit trail names who recorded it, in a request or not
        self.save(update_fields=[*SIGN_OFF_RECORD_FIELDS, *AGREED_FIELDS])


class QuarterlyUpdateQuerySet(models.QuerySet):
    def submitted(self) -> QuarterlyUpdateQuerySet:
        """Submitted updates; a draft is its author's until then."""
        return self.filter(submitted_at__isnull=False)

    def of_signed_off_objectives(self) -> QuarterlyUpdateQuerySet:
        return self.filter(key_objective__in=KeyObjective.objects.signed_off())


class QuarterlyUpdate(models.Model):
    class Rag(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        COMPLETE = "complete", "Complete"

    key_objective = models.ForeignKey(KeyObjective, on_delete=models.CASCADE, related_name="updates")
    quarter = QuarterField()
    rag_status = models.CharField("RAG status", max_length=12, choices=Rag.choices, default=Rag.NOT_STARTED)
    progress = models.TextField("progress narrative", blank=True)
    achievements = models.TextField(blank=True)
    risks_and_issues = models.TextField("risks and issues", blank=True)
    next_steps = models.TextField("next steps", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quarterly_updates",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Empty while the update is a draft")
    # Bumped by every edit through the portal so two people editing at once see a conflict,
    # not a lost write.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = QuarterlyUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["key_objective__number", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["key_objective", "quarter"], name="quarterly_update_one_per_objective_and_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_objective} — {self.quarter}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: never the uploader's, which could clash or carry a path or a script."""
    extension = os.path.splitext(filename)[1].lower()
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class Evidence(models.Model):
    """A link or a file that backs a quarterly update.

    Files are private to the region: they are served by a view that checks access, never from a
    public media URL.
    """

    update = models.ForeignKey(QuarterlyUpdate, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(max_length=200)
    link = models.URLField(blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True)
    original_name = models.CharField(max_length=255, blank=True, help_text="The file's name on the uploader's computer")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(link="") | ~Q(file=""), name="evidence_has_link_or_file"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if not self.link and not self.file:
            raise ValidationError("Enter a link or choose a file")


class QuarterlyMeeting(models.Model):
    """The quarterly SLI meeting of a priority area: SLI lead, coordinator and DPH lead."""

    priority_area = models.ForeignKey(PriorityArea, on_delete=models.CASCADE, related_name="meetings")
    quarter = QuarterField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField("place or link", max_length=300, blank=True)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="quarterly_meetings")
    other_attendees = models.TextField(blank=True, help_text="People without an account, one a line")
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True)

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority_area", "quarter"], name="quarterly_meeting_one_per_priority_and_quarter"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="quarterly_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority_area} — {self.quarter} meeting"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The meeting must end after it starts"})


class MeetingAction(models.Model):
    meeting = models.ForeignKey(QuarterlyMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="meeting_actions"
    )
    owner_name = models.CharField(max_length=150, blank=True, help_text="When the owner has no account")
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return not self.is_done and self.due_date is not None and self.due_date < today


class Project(models.Model):
    """Quality-improvement work badged under SLI: doing QI is doing SLI."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        PAUSED = "paused", "Paused"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    councils = models.ManyToManyField(LocalAuthority, blank=True, related_name="projects")
    key_objectives = models.ManyToManyField(KeyObjective, blank=True, related_name="projects")
    badged_on = models.DateField("badged as SLI on")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    link = models.URLField(blank=True)

    history = HistoricalRecords(m2m_fields=[councils, key_objectives])

    class Meta:
        ordering = ["-badged_on", "title"]

    def __str__(self) -> str:
        return self.title
