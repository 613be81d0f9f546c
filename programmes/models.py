"""The frame of the programme: regions, their councils, who holds which role, plans and events."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from sli_portal.core.quarters import Quarter

gss_code_validator = RegexValidator(
    r"^E(06|07|08|09|10|12)\d{6}$",
    "Enter an ONS code like E06000022: E, two digits for the kind of area, six digits",
)


def _relative_luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio of white text on `hex_colour` (#RRGGBB)."""
    return 1.05 / (_relative_luminance(hex_colour) + 0.05)


accent_colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hex digits, like #00703c")
LOGO_MAX_BYTES = 200 * 1024


def validate_logo(file) -> None:
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError("The logo must be smaller than 200 KB")


# The ONS codes of England's nine regions, by their lowercased ONS names.
REGION_CODES = {
    "north east": "E12000001",
    "north west": "E12000002",
    "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004",
    "west midlands": "E12000005",
    "east of england": "E12000006",
    "london": "E12000007",
    "south east": "E12000008",
    "south west": "E12000009",
}


class Region(models.Model):
    """An ADPH regional network of Directors of Public Health."""

    DEFAULT_ACCENT_COLOUR = "#1d70b8"  # GOV.UK blue: the plain default

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    gss_code = models.CharField("ONS code", max_length=9, unique=True, validators=[gss_code_validator])
    network_name = models.CharField(max_length=100, blank=True, help_text="How the network calls itself, e.g. SW ADPH")
    coordinator_email = models.EmailField("SLI coordinator's e-mail", blank=True)
    intro = models.TextField("public introduction", blank=True)
    update_due_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days after a quarter ends by which its updates are due"
    )
    peer_challenge_due_years = models.PositiveSmallIntegerField(
        default=4, help_text="Years after the last on-site visit from which a peer challenge is due"
    )
    peer_challenge_overdue_years = models.PositiveSmallIntegerField(
        default=5, help_text="Years after the last on-site visit after which a peer challenge is overdue"
    )
    # The network's own look on its snapshots' cover.
    accent_colour = models.CharField(
        max_length=7,
        blank=True,
        validators=[accent_colour_validator],
        help_text="The snapshots' cover colour, like #00703c; white text must read on it. Empty: GOV.UK blue",
    )
    logo = models.ImageField(
        upload_to="regions/logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg"]), validate_logo],
        help_text="The network's logo on the snapshots' cover: PNG or JPEG, up to 200 KB",
    )
    show_rag_publicly = models.BooleanField(
        "show RAG ratings publicly",
        default=True,
        help_text="Show each key objective's red, amber or green rating on the public plan page",
    )
    # Sector-led improvement is not inspection: the national board reads what the region submits
    # and publishes, and its workspace only when the network chooses to share it.
    share_workspace_with_national_board = models.BooleanField(
        "share our workspace with the national board",
        default=False,
        help_text="Let national board viewers read the dashboard, plans, meetings and snapshot drafts "
        "(never evidence files)",
    )
    email_snapshots_to_members = models.BooleanField(
        "e-mail published snapshots to all members",
        default=False,
        help_text="On publication, send the snapshot to every member of the network as well as the subscribers",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(peer_challenge_overdue_years__gt=F("peer_challenge_due_years")),
                name="region_overdue_after_due",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("region_home", args=[self.slug])

    def clean(self):
        if self.peer_challenge_overdue_years <= self.peer_challenge_due_years:
            raise ValidationError(
                {"peer_challenge_overdue_years": "The overdue threshold must be more years than the due threshold"}
            )
        colour = self.accent_colour
        if colour and accent_colour_validator.regex.match(colour) and contrast_with_white(colour) < 4.5:
            raise ValidationError(
                {"accent_colour": "Choose a darker colour: white text on it must have a contrast of at least 4.5:1"}
            )

    @property
    def cover_colour(self) -> str:
        return self.accent_colour or self.DEFAULT_ACCENT_COLOUR

    @property
    def short_name(self) -> str:
        return self.network_name or self.name


class LocalAuthority(models.Model):
    """A council with public-health duties (upper tier: county, unitary, metropolitan, London)."""

    class Kind(models.TextChoices):
        COUNTY = "county", "County council"
        UNITARY = "unitary", "Unitary authority"
        METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
        LONDON_BOROUGH = "london_borough", "London borough"
        CITY_CORPORATION = "city_corporation", "City corporation"

    name = models.CharField(max_length=150)
    gss_code = models.CharField("ONS code", max_length=9, unique=True, validators=[gss_code_validator])
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    active = models.BooleanField(default=True, help_text="Untick for a council that no longer exists")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="local_authority_unique_name_in_region"),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user) -> MembershipQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Membership(models.Model):
    """A user's role in a region. One user can hold several (a DPH can be the SLI lead too).

    Leading a priority area is not a membership: it follows from PriorityArea.lead/deputy_lead.
    """

    class Role(models.TextChoices):
        MEMBER = "member", "Network member"
        COORDINATOR = "coordinator", "SLI coordinator"
        SLI_LEAD = "sli_lead", "SLI lead"
        PUBLISHER = "publisher", "Publisher"
        NATIONAL = "national", "National board viewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    # Empty only for national board viewers, who read every region.
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="memberships", null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="For a Director of Public Health: the council they serve",
    )
    job_title = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region", "role"], name="membership_unique_role"),
            models.UniqueConstraint(fields=["user"], condition=Q(role="national"), name="membership_one_national_role"),
            models.CheckConstraint(
                condition=Q(role="national", region__isnull=True) | (~Q(role="national") & Q(region__isnull=False)),
                name="membership_region_unless_national",
            ),
        ]

    def __str__(self) -> str:
        where = self.region or "all regions"
        return f"{self.user} — {self.get_role_display()} ({where})"

    def clean(self):
        if self.role == self.Role.NATIONAL and self.region_id:
            raise ValidationError({"region": "Leave the region empty for a national board viewer"})
        if self.role != self.Role.NATIONAL and not self.region_id:
            raise ValidationError({"region": "Select the region"})
        if self.local_authority_id and self.region_id and self.local_authority.region_id != self.region_id:
            raise ValidationError({"local_authority": "Select a council of the same region"})


class ActionPlanQuerySet(models.QuerySet):
    def public(self) -> ActionPlanQuerySet:
        """Plans the network has approved; drafts are never shown to the public."""
        return self.filter(status__in=[ActionPlan.Status.APPROVED, ActionPlan.Status.ACTIVE, ActionPlan.Status.CLOSED])


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="action_plans")
    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField(null=True, blank=True)
    builds_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The previous plan this one carries forward",
    )
    intro = models.TextField("introduction", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name", "-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=F("start_date")), name="action_plan_ends_after_start"),
            models.UniqueConstraint(
                fields=["region"], condition=Q(status="active"), name="action_plan_one_active_per_region"
            ),
            models.UniqueConstraint(fields=["region", "title"], name="action_plan_unique_title_in_region"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_on__isnull=False),
                name="action_plan_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "The end date must be after the start date"})
        if self.status != self.Status.DRAFT and not self.approved_on:
            raise ValidationError({"approved_on": "Enter the date the network approved the plan"})
        if self.builds_on_id and self.builds_on_id == self.pk:
            raise ValidationError({"builds_on": "A plan cannot build on itself"})
        if self.builds_on_id and self.builds_on.region_id != self.region_id:
            raise ValidationError({"builds_on": "Select a plan of the same region"})

    @property
    def quarters(self):
        return Quarter.between(self.start_date, self.end_date)

    def is_editable(self) -> bool:
        """A closed plan is the record of what happened: nothing in it changes any more, not
        the plan, its priority areas, objectives and their numbers, updates, evidence,
        meetings nor actions. Every write service asks this first (`check_editable`)."""
        return self.status != self.Status.CLOSED

    def check_editable(self) -> None:
        if not self.is_editable():
            raise ValidationError(f"“{self.title}” is closed: it can no longer be changed")


class Event(models.Model):
    """An upcoming regional event, listed on the dashboard, the home page and the snapshots."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField("place", max_length=200, blank=True)
    link = models.URLField("link", blank=True, help_text="Joining link or event page")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "The end must be after the start"})


class InvitationQuerySet(models.QuerySet):
    def pending(self, now) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """An e-mail inviting someone to set a password and take up their roles in a region.

    The roles are memberships made when the invitation is sent; the link (a random token, of
    which only a hash is stored) works once, until it expires or is revoked. Resending makes a
    new link, which ends the old one.
    """

    VALID_FOR_DAYS = 7

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.user} to {self.region}"

    def state(self, now) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class SecondFactorReset(models.Model):
    """A coordinator removed someone's two-factor sign-in (a lost phone): kept for the audit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="second_factor_resets")
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reset_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reset_at"]

    def __str__(self) -> str:
        return f"Two-factor sign-in of {self.user} reset"
