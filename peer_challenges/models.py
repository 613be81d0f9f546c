"""LGA peer challenges: the 4–5 year cycle of corporate and finance challenges for each council."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from programmes.models import LocalAuthority, Region


@dataclass(frozen=True)
class Deadline:
    """A follow-up expected so many calendar months after the on-site visit's last day."""

    key: str  # "report", "action_plan", "progress_review", "progress_review_report"
    months: int
    field: str  # the challenge's date field that records it done
    missing: str  # "Report not published"


# The LGA's corporate timetable (local.gov.uk, "Corporate Peer Challenge reports"): the report and
# action plan within 3 months, the action plan at the latest by 5, a progress review about 10
# months after, and its report published no later than 12 months after the original challenge.
LGA_TIMETABLE = (
    Deadline("report", 3, "report_published_on", "Report not published"),
    Deadline("action_plan", 5, "action_plan_published_on", "Action plan not published"),
    Deadline("progress_review", 10, "progress_review_date", "Progress review not held"),
    Deadline(
        "progress_review_report", 12, "progress_review_report_published_on", "Progress review report not published"
    ),
)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Aug + 3 → 30 Nov)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class LateMilestone:
    key: str  # "report", "action_plan", "progress_review"
    label: str  # "Report not published 3 months after the visit"
    expected_by: datetime.date


class PeerChallenge(models.Model):
    class Kind(models.TextChoices):
        CORPORATE = "corporate", "Corporate peer challenge"
        FINANCE = "finance", "Finance peer challenge"
        GOVERNANCE = "governance", "Governance peer challenge"
        PUBLIC_HEALTH = "public_health", "Public health peer challenge"
        CHILDRENS_SERVICES = "childrens_services", "Children's services peer challenge"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care peer challenge"
        OTHER = "other", "Other sector-specific peer challenge"

    # The LGA's five-yearly offer: a corporate, finance or governance peer challenge. These follow
    # the LGA's corporate timetable; the others (sector challenges) the region's own.
    LGA_KINDS = (Kind.CORPORATE, Kind.FINANCE, Kind.GOVERNANCE)

    class Stage(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        SCOPING = "scoping", "Scoping"
        POSITION_STATEMENT = "position_statement", "Position statement"
        ON_SITE = "on_site", "On site"
        FEEDBACK = "feedback", "Feedback"
        REPORT_PUBLISHED = "report_published", "Report published"
        ACTION_PLAN_PUBLISHED = "action_plan_published", "Action plan published"
        PROGRESS_REVIEW = "progress_review", "Progress review"
        CLOSED = "closed", "Closed"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="peer_challenges")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.PROPOSED)
    scoping_date = models.DateField("scoping meeting", null=True, blank=True)
    position_statement_received_on = models.DateField(null=True, blank=True)
    onsite_start = models.DateField("on-site visit starts", null=True, blank=True)
    onsite_end = models.DateField("on-site visit ends", null=True, blank=True)
    feedback_date = models.DateField("feedback presentation", null=True, blank=True)
    report_published_on = models.DateField(null=True, blank=True)
    report_url = models.URLField("report link", blank=True)
    action_plan_published_on = models.DateField(null=True, blank=True)
    action_plan_url = models.URLField("action plan link", blank=True)
    progress_review_date = models.DateField("follow-up visit (progress review)", null=True, blank=True)
    progress_review_report_published_on = models.DateField(null=True, blank=True)
    progress_review_report_url = models.URLField("progress review report link", blank=True)
    status_reason = models.TextField(blank=True, help_text="Why the challenge was postponed or cancelled")
    notes = models.TextField(blank=True)
    # The network's part: councils request a challenge through the LGA; the network makes sure
    # public health is in its scope and offers DsPH and consultants as peers.
    requested_on = models.DateField(
        "requested or agreed with the LGA on", null=True, blank=True, help_text="When the council and the LGA agreed it"
    )
    public_health_in_scope = models.BooleanField(
        "public health in the scope", null=True, blank=True, help_text="Empty: not known yet"
    )
    peers_offered = models.ManyToManyField(
        "Peer",
        blank=True,
        related_name="challenges_offered",
        help_text="DsPH or consultants of the network offered to the LGA for this challenge",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["local_authority__name", "-onsite_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(onsite_start__isnull=True)
                | Q(onsite_end__isnull=True)
                | Q(onsite_end__gte=F("onsite_start")),
                name="peer_challenge_onsite_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(onsite_end__isnull=True) | Q(onsite_start__isnull=False),
                name="peer_challenge_onsite_end_needs_start",
            ),
            models.CheckConstraint(
                condition=Q(report_published_on__isnull=True)
                | Q(onsite_end__isnull=True)
                | Q(report_published_on__gte=F("onsite_end")),
                name="peer_challenge_report_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(feedback_date__isnull=True)
                | Q(onsite_end__isnull=True)
                | Q(feedback_date__gte=F("onsite_end")),
                name="peer_challenge_feedback_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(progress_review_date__isnull=True)
                | Q(onsite_end__isnull=True)
                | Q(progress_review_date__gt=F("onsite_end")),
                name="peer_challenge_progress_review_after_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.local_authority}"

    def clean(self):
        errors = {}
        if self.onsite_end and not self.onsite_start:
            errors["onsite_start"] = "Enter the date the on-site visit starts"
        if self.onsite_start and self.onsite_end and self.onsite_end < self.onsite_start:
            errors["onsite_end"] = "The on-site visit must end on or after the day it starts"
        if self.feedback_date and self.onsite_end and self.feedback_date < self.onsite_end:
            errors["feedback_date"] = "The feedback presentation must be on or after the last day of the on-site visit"
        if self.report_published_on and self.onsite_end and self.report_published_on < self.onsite_end:
            errors["report_published_on"] = "The report must be published after the on-site visit"
        if self.progress_review_date and self.onsite_end and self.progress_review_date <= self.onsite_end:
            errors["progress_review_date"] = "The follow-up visit must be after the on-site visit"
        if errors:
            raise ValidationError(errors)

    @property
    def follows_lga_timetable(self) -> bool:
        return self.kind in self.LGA_KINDS

    @property
    def is_open(self) -> bool:
        """Still moving through its stages: not closed, cancelled or postponed."""
        return self.stage not in (self.Stage.CLOSED, self.Stage.CANCELLED, self.Stage.POSTPONED)

    def late_milestones(self, today: datetime.date, timetable: PeerChallengeSettings) -> list[LateMilestone]:
        """The follow-ups past their deadline under the timetable of the challenge's kind (the
        region's `timetable`), flagged from the day after each deadline.

        A closed, cancelled or postponed challenge is never late; a visit not yet over neither.
        """
        visit_end = self.onsite_end or self.onsite_start
        if not self.is_open or visit_end is None or visit_end >= today:
            return []
        late = []
        for deadline in timetable.deadlines(self.kind):
            expected_by = add_months(visit_end, deadline.months)
            done_on = getattr(self, deadline.field)
            held = done_on is not None and done_on <= today
            if not held and today > expected_by:
                label = f"{deadline.missing} {deadline.months} months after the visit"
                late.append(LateMilestone(deadline.key, label, expected_by))
        return late


def default_cycle_kinds() -> list[str]:
    return list(PeerChallenge.LGA_KINDS)


class PeerChallengeSettings(models.Model):
    """A region's choices for peer challenges: which kinds count towards the 4–5 year cycle (the
    LGA's default: corporate, finance and governance) and the timetable of the sector challenges
    (public health and the others), which never borrow the LGA's corporate deadlines."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="peer_challenge_settings")
    cycle_kinds = models.JSONField(default=default_cycle_kinds)
    sector_report_months = models.PositiveSmallIntegerField(
        "report of a sector challenge expected within (months)", default=3
    )
    sector_progress_review_months = models.PositiveSmallIntegerField(
        "progress review of a sector challenge expected within (months)",
        null=True,
        blank=True,
        help_text="Empty: a progress review is optional and never flagged",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "peer challenge settings"

    def __str__(self) -> str:
        return f"Peer challenge settings of {self.region}"

    @classmethod
    def for_region(cls, region: Region) -> PeerChallengeSettings:
        """The region's settings, or the defaults (unsaved) when it never changed them."""
        return cls.objects.filter(region=region).first() or cls(region=region)

    def counts_for_cycle(self, kind: str) -> bool:
        return kind in self.cycle_kinds

    def deadlines(self, kind: str) -> tuple[Deadline, ...]:
        if kind in PeerChallenge.LGA_KINDS:
            return LGA_TIMETABLE
        deadlines = [Deadline("report", self.sector_report_months, "report_published_on", "Report not published")]
        if self.sector_progress_review_months:
            deadlines.append(
                Deadline(
                    "progress_review",
                    self.sector_progress_review_months,
                    "progress_review_date",
                    "Progress review not held",
                )
            )
        return tuple(deadlines)


class PeerTeamMember(models.Model):
    class Role(models.TextChoices):
        LEAD_OFFICER_PEER = "lead_officer_peer", "Lead officer peer"
        LEAD_MEMBER_PEER = "lead_member_peer", "Lead member peer"
        OFFICER_PEER = "officer_peer", "Officer peer"
        MEMBER_PEER = "member_peer", "Member peer"
        PEER_CHALLENGE_MANAGER = "peer_challenge_manager", "Peer challenge manager"
        PROGRAMME_SUPPORT_OFFICER = "programme_support_officer", "Programme support officer"

    challenge = models.ForeignKey(PeerChallenge, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=30, choices=Role.choices)
    job_title = models.CharField(max_length=150, blank=True)
    home_council = models.ForeignKey(LocalAuthority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    home_organisation = models.CharField(
        max_length=150, blank=True, help_text="When the peer does not come from a council of the list (e.g. the LGA)"
    )
    political_party = models.CharField(max_length=100, blank=True, help_text="For member peers")

    class Meta:
        ordering = ["challenge", "role", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        if self.home_council_id and self.challenge_id and self.home_council_id == self.challenge.local_authority_id:
            raise ValidationError({"home_council": "A peer cannot come from the council being challenged"})


class FocusArea(models.Model):
    """An area the council asked the peer team to look at, chosen at scoping."""

    challenge = models.ForeignKey(PeerChallenge, on_delete=models.CASCADE, related_name="focus_areas")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["challenge", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Recommendation(models.Model):
    """A recommendation of the peer team's report, the council's response and, after the progress
    review, how far it has gone."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    challenge = models.ForeignKey(PeerChallenge, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField("recommendation")
    council_response = models.TextField("council's response", blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    themes = models.JSONField(default=list, blank=True)  # RecommendationTheme values

    history = HistoricalRecords()

    class Meta:
        ordering = ["challenge", "pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def tag_class(self) -> str:
        return {"done": "govuk-tag--green", "in_progress": "govuk-tag--yellow"}.get(self.status, "govuk-tag--grey")

    @property
    def theme_labels(self) -> list[str]:
        labels = dict(RecommendationTheme.choices)
        return [labels[theme] for theme in self.themes if theme in labels]


class RecommendationTheme(models.TextChoices):
    """What a recommendation is about: the five core elements every corporate peer challenge
    covers (LGA, "Corporate Peer Challenge"), and the themes a public-health network follows."""

    PRIORITIES = "priorities", "Local priorities and outcomes"
    LEADERSHIP = "leadership", "Organisational and place leadership"
    GOVERNANCE = "governance", "Governance and culture"
    FINANCE = "finance", "Financial planning and management"
    CAPACITY = "capacity", "Capacity for improvement"
    PUBLIC_HEALTH = "public_health", "Public health and prevention"
    INEQUALITIES = "inequalities", "Health inequalities"
    PARTNERSHIPS = "partnerships", "Partnerships and the NHS"
    WORKFORCE = "workforce", "Workforce"
    DATA = "data", "Data, insight and performance"
    ENGAGEMENT = "engagement", "Communities and engagement"


class LgaAdviser(models.Model):
    """The LGA's regional principal adviser for a council: the person a council asks for a peer
    challenge, and whom the network asks about one."""

    local_authority = models.OneToOneField(LocalAuthority, on_delete=models.CASCADE, related_name="lga_adviser")
    name = models.CharField(max_length=150)
    email = models.EmailField("e-mail address", blank=True)
    phone = models.CharField(max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "LGA principal adviser"

    def __str__(self) -> str:
        return f"{self.name} (LGA principal adviser for {self.local_authority})"


class Prompt(models.Model):
    """Something the coordinator did to move a council towards its next peer challenge. The
    network prompts; the council requests the challenge through the LGA."""

    class Action(models.TextChoices):
        RAISED_WITH_DPH = "raised_with_dph", "Raised it with the council's DPH"
        ASKED_LGA_ADVISER = "asked_lga_adviser", "Asked the LGA principal adviser"
        OFFERED_PEERS = "offered_peers", "Offered peers from the network"
        PUBLIC_HEALTH_SCOPE = "public_health_scope", "Asked for public health in the scope"
        OTHER = "other", "Something else"

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="peer_challenge_prompts")
    action = models.CharField(max_length=30, choices=Action.choices)
    prompted_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-prompted_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.local_authority}: {self.get_action_display()} on {self.prompted_on}"


class Peer(models.Model):
    """Someone of the region who can serve on a peer team, for the LGA's calls for peers."""

    class Kind(models.TextChoices):
        DPH = "dph", "Director of Public Health"
        CONSULTANT = "consultant", "Consultant in public health"
        OFFICER = "officer", "Officer peer"
        MEMBER = "member", "Member peer (councillor)"

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="peers")
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    home_council = models.ForeignKey(LocalAuthority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    expertise = models.TextField(blank=True, help_text="What they bring to a peer team")
    available_from = models.DateField(null=True, blank=True)
    available_until = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True, help_text="Untick for someone who no longer serves as a peer")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_from__isnull=True)
                | Q(available_until__isnull=True)
                | Q(available_until__gte=F("available_from")),
                name="peer_available_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.available_from and self.available_until and self.available_until < self.available_from:
            raise ValidationError({"available_until": "The end of the availability must be on or after its start"})
        if self.home_council_id and self.region_id and self.home_council.region_id != self.region_id:
            raise ValidationError({"home_council": "Select a council of the region"})

    def is_available_on(self, day: datetime.date) -> bool:
        return (self.available_from is None or self.available_from <= day) and (
            self.available_until is None or day <= self.available_until
        )


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """A member's secret for subscribing to the region's peer-challenge calendar.

    Calendar applications cannot sign in, so the feed's URL carries this token; deleting the
    row revokes it and the old URL answers 404.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="calendar_token_one_per_user_and_region"),
        ]

    def __str__(self) -> str:
        return f"Calendar token of {self.user} for {self.region}"
