"""The peer-challenge cycle of each council, the milestones of the region, and the challenge's stages.

The cycle is computed, never stored: from the end of the last on-site visit of a corporate or
finance challenge a council is *current*, then *due* from the due anniversary up to and including
the overdue anniversary, then *overdue*. A challenge booked on site (today or later) makes the
council *booked*, whatever its last visit. The years are the region's settings.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programmes.access import readable_regions
from programmes.models import LocalAuthority, Region

from .models import (
    FocusArea,
    LgaAdviser,
    Peer,
    PeerChallenge,
    PeerChallengeSettings,
    PeerTeamMember,
    Prompt,
    add_months,
)

CURRENT, DUE, OVERDUE, BOOKED, NEVER = "current", "due", "overdue", "booked", "never"
STATUSES = (CURRENT, DUE, OVERDUE, BOOKED, NEVER)
STATUS_LABELS = {
    CURRENT: "Current",
    DUE: "Due",
    OVERDUE: "Overdue",
    BOOKED: "Booked",
    NEVER: "Never recorded",
}
# GOV.UK tag colours; the text always says the status too.
STATUS_TAG_CLASSES = {
    CURRENT: "govuk-tag--green",
    DUE: "govuk-tag--yellow",
    OVERDUE: "govuk-tag--red",
    BOOKED: "govuk-tag--blue",
    NEVER: "govuk-tag--grey",
}

Stage = PeerChallenge.Stage

# Challenges that did not (or not yet) happen on the dates they carry.
NOT_HELD_STAGES = (Stage.CANCELLED, Stage.POSTPONED)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The anniversary `years` on; an anniversary of 29 February falls on 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _visit_end(challenge: PeerChallenge) -> datetime.date | None:
    return challenge.onsite_end or challenge.onsite_start


def visit_has_ended(challenge: PeerChallenge, today: datetime.date) -> bool:
    """A visit counts as the council's last one only once it is over and actually took place."""
    end = _visit_end(challenge)
    return end is not None and end < today and challenge.stage not in NOT_HELD_STAGES


def visit_is_booked(challenge: PeerChallenge, today: datetime.date) -> bool:
    """An on-site visit on a date today or later (a postponed challenge with its new date counts)."""
    end = _visit_end(challenge)
    return end is not None and end >= today and challenge.stage != Stage.CANCELLED


@dataclass
class CouncilCycle:
    local_authority: LocalAuthority
    status: str
    last_challenge: PeerChallenge | None
    due_from: datetime.date | None
    due_by: datetime.date | None
    next_booked: PeerChallenge | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def last_visit_end(self) -> datetime.date | None:
        return _visit_end(self.last_challenge) if self.last_challenge else None

    @property
    def tag_class(self) -> str:
        return STATUS_TAG_CLASSES[self.status]

    @property
    def needs_planning(self) -> bool:
        """The planner offers a new challenge to these councils."""
        return self.status in (DUE, OVERDUE, NEVER)


def council_cycle(
    local_authority: LocalAuthority,
    challenges: Iterable[PeerChallenge],
    *,
    today: datetime.date,
    due_years: int,
    overdue_years: int,
    cycle_kinds: Iterable[str] = PeerChallenge.LGA_KINDS,
) -> CouncilCycle:
    """The cycle of one council from its challenges (any kind, already loaded); only the kinds
    the region counts towards the cycle (`cycle_kinds`) count."""
    cycle_kinds = set(cycle_kinds)
    counting = [c for c in challenges if c.kind in cycle_kinds]
    ended = [c for c in counting if visit_has_ended(c, today)]
    booked = [c for c in counting if visit_is_booked(c, today)]
    last = max(ended, key=_visit_end, default=None)
    next_booked = min(booked, key=lambda c: c.onsite_start, default=None)
    due_from = due_by = None
    if last is not None:
        due_from = add_years(_visit_end(last), due_years)
        due_by = add_years(_visit_end(last), overdue_years)
    if next_booked is not None:
        status = BOOKED
    elif last is None:
        status = NEVER
    elif today < due_from:
        status = CURRENT
    elif today <= due_by:
        status = DUE
    else:
        status = OVERDUE
    return CouncilCycle(local_authority, status, last, due_from, due_by, next_booked)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def council_cycle_of(local_authority: LocalAuthority, *, today: datetime.date | None = None) -> CouncilCycle:
    """One council's cycle (three queries: region, its settings, the council's challenges)."""
    region = local_authority.region
    cycle_kinds = PeerChallengeSettings.for_region(region).cycle_kinds
    return council_cycle(
        local_authority,
        local_authority.peer_challenges.filter(kind__in=cycle_kinds),
        today=_today(today),
        due_years=region.peer_challenge_due_years,
        overdue_years=region.peer_challenge_overdue_years,
        cycle_kinds=cycle_kinds,
    )


def cycle_status(local_authority: LocalAuthority, *, today: datetime.date | None = None) -> str:
    """One of "current", "due", "overdue", "booked", "never"."""
    return council_cycle_of(local_authority, today=today).status


def cycle_candidates(council_ids: list[int], *, cycle_kinds: Iterable[str], today: datetime.date) -> QuerySet:
    """The councils' challenges that `council_cycle` can pick, by on-site start: of the kinds
    that count, those whose visit ends today or later (booked ones among them) and each
    council's latest held visit (ties included). Older visits change no cycle: a council with
    twenty years of history reads as few rows as one with four."""
    counting = PeerChallenge.objects.filter(local_authority__in=council_ids, kind__in=list(cycle_kinds)).annotate(
        visit_end=Coalesce("onsite_end", "onsite_start")
    )
    latest_held = (
        counting.filter(local_authority=OuterRef("local_authority"), visit_end__lt=today)
        .exclude(stage__in=NOT_HELD_STAGES)
        .order_by("-visit_end")
        .values("visit_end")[:1]
    )
    return counting.filter(Q(visit_end__gte=today) | Q(visit_end=Subquery(latest_held))).order_by("onsite_start")


def region_cycle_statuses(
    region: Region,
    *,
    today: datetime.date | None = None,
    include_inactive: bool = False,
    timetable: PeerChallengeSettings | None = None,
) -> list[CouncilCycle]:
    """Every (active) council of the region with its cycle, by council name.

    Three queries whatever the number of councils: the region's settings (unless `timetable`
    gives them), the councils, then the challenges their cycles are read from
    (`cycle_candidates`), as many whatever the length of their history.
    """
    today = _today(today)
    cycle_kinds = (timetable or PeerChallengeSettings.for_region(region)).cycle_kinds
    councils = list(
        region.local_authorities.all() if include_inactive else region.local_authorities.filter(active=True)
    )
    by_council: dict[int, list[PeerChallenge]] = defaultdict(list)
    challenges = cycle_candidates([c.pk for c in councils], cycle_kinds=cycle_kinds, today=today)
    for challenge in challenges:
        by_council[challenge.local_authority_id].append(challenge)
    cycles = []
    for council in councils:
        for challenge in by_council[council.pk]:
            challenge.local_authority = council  # no query when a template shows it
        cycles.append(
            council_cycle(
                council,
                by_council[council.pk],
                today=today,
                due_years=region.peer_challenge_due_years,
                overdue_years=region.peer_challenge_overdue_years,
                cycle_kinds=cycle_kinds,
            )
        )
    return cycles


# --- Milestones ----------------------------------------------------------------------------


@dataclass
class Milestone:
    date: datetime.date
    label: str
    challenge: PeerChallenge


# (date field, what happens that day)
MILESTONE_FIELDS = (
    ("onsite_start", "on-site visit"),
    ("feedback_date", "feedback presentation"),
    ("report_published_on", "report published"),
    ("action_plan_published_on", "action plan published"),
    ("progress_review_date", "progress review"),
    ("progress_review_report_published_on", "progress review report published"),
)


def milestones_between(region: Region, start: datetime.date, end: datetime.date) -> list[Milestone]:
    """Milestones of the region's challenges from `start` to `end` inclusive, by date (one query).

    Labels read on their own, e.g. "Cornwall: corporate peer challenge on-site visit".
    Cancelled challenges have no milestones.
    """
    in_range = Q()
    for field, _ in MILESTONE_FIELDS:
        in_range |= Q(**{f"{field}__range": (start, end)})
    challenges = (
        PeerChallenge.objects.filter(local_authority__region=region)
        .exclude(stage=Stage.CANCELLED)
        .filter(in_range)
        .select_related("local_authority")
    )
    milestones = []
    for challenge in challenges:
        kind = challenge.get_kind_display()
        kind = kind[:1].lower() + kind[1:]
        for field, what in MILESTONE_FIELDS:
            day = getattr(challenge, field)
            if day is not None and start <= day <= end:
                milestones.append(Milestone(day, f"{challenge.local_authority.name}: {kind} {what}", challenge))
    milestones.sort(key=lambda m: (m.date, m.challenge.local_authority.name, m.label))
    return milestones


# --- Late milestones ------------------------------------------------------------------------


@dataclass
class LateChallenge:
    challenge: PeerChallenge
    late: list  # of LateMilestone


def late_challenges(
    region: Region, *, today: datetime.date | None = None, timetable: PeerChallengeSettings | None = None
) -> list[LateChallenge]:
    """The region's open challenges with a follow-up past its deadline (two queries: the
    region's timetable unless given, the challenges)."""
    today = _today(today)
    timetable = timetable or PeerChallengeSettings.for_region(region)
    challenges = (
        PeerChallenge.objects.filter(local_authority__region=region, onsite_start__lt=today)
        .exclude(stage__in=(Stage.CLOSED, Stage.CANCELLED, Stage.POSTPONED))
        .select_related("local_authority")
        .order_by("onsite_start")
    )
    found = []
    for challenge in challenges:
        late = challenge.late_milestones(today, timetable)
        if late:
            found.append(LateChallenge(challenge, late))
    return found


# --- Stages ---------------------------------------------------------------------------------

# The forward path; a stage may move to the next one only. Cancel and postpone are separate.
STAGE_PATH = (
    Stage.PROPOSED,
    Stage.SCOPING,
    Stage.POSITION_STATEMENT,
    Stage.ON_SITE,
    Stage.FEEDBACK,
    Stage.REPORT_PUBLISHED,
    Stage.ACTION_PLAN_PUBLISHED,
    Stage.PROGRESS_REVIEW,
    Stage.CLOSED,
)
NEXT_STAGE = dict(zip(STAGE_PATH, STAGE_PATH[1:], strict=False))
# A postponed challenge picks up again before its visit.
RESUME_STAGES = (Stage.PROPOSED, Stage.SCOPING, Stage.POSITION_STATEMENT)
# A visit can be postponed until it has happened.
POSTPONABLE_STAGES = (Stage.PROPOSED, Stage.SCOPING, Stage.POSITION_STATEMENT, Stage.ON_SITE)
CANCELLABLE_STAGES = (*POSTPONABLE_STAGES, Stage.POSTPONED)

# What each stage must record before a challenge can enter it: (field, message when missing).
STAGE_REQUIREMENTS = {
    Stage.SCOPING: [("scoping_date", "Enter the date of the scoping meeting")],
    Stage.POSITION_STATEMENT: [
        ("position_statement_received_on", "Enter the date the position statement was received")
    ],
    Stage.ON_SITE: [
        ("onsite_start", "Enter the date the on-site visit starts"),
        ("onsite_end", "Enter the date the on-site visit ends"),
    ],
    Stage.FEEDBACK: [("feedback_date", "Enter the date of the feedback presentation")],
    Stage.REPORT_PUBLISHED: [
        ("report_published_on", "Enter the date the report was published"),
        ("report_url", "Enter the link to the published report"),
    ],
    Stage.ACTION_PLAN_PUBLISHED: [
        ("action_plan_published_on", "Enter the date the action plan was published"),
        ("action_plan_url", "Enter the link to the published action plan"),
    ],
    Stage.PROGRESS_REVIEW: [("progress_review_date", "Enter the date of the progress review")],
}
# The fields a stage's form asks for (the required ones and the optional ones of that stage).
STAGE_FIELDS = {
    **{stage: [field for field, _ in required] for stage, required in STAGE_REQUIREMENTS.items()},
    Stage.PROGRESS_REVIEW: [
        "progress_review_date",
        "progress_review_report_published_on",
        "progress_review_report_url",
    ],
    Stage.CLOSED: [],
}


def allowed_next_stages(challenge: PeerChallenge) -> list[str]:
    if challenge.stage == Stage.POSTPONED:
        return list(RESUME_STAGES)
    following = NEXT_STAGE.get(challenge.stage)
    return [following] if following else []


def _save(challenge: PeerChallenge, by) -> PeerChallenge:
    challenge.full_clean()
    challenge._history_user = by  # who, even when called outside a request
    challenge.save()
    return challenge


def move_to_stage(*, challenge: PeerChallenge, stage: str, by, values: dict | None = None) -> PeerChallenge:
    """Move the challenge forward to `stage`, recording that stage's dates and links in `values`.

    Only the next stage of the path is allowed (a postponed challenge resumes before its visit);
    the stage's own dates must be recorded. Raises ValidationError otherwise; saves nothing then.
    """
    if stage not in allowed_next_stages(challenge):
        raise ValidationError(
            {
                "stage": f"A challenge at “{challenge.get_stage_display()}” cannot move to "
                f"“{Stage(stage).label if stage in Stage.values else stage}”"
            }
        )
    for field, value in (values or {}).items():
        if field not in STAGE_FIELDS.get(stage, []):
            raise ValueError(f"{field} is not recorded at stage {stage}")
        setattr(challenge, field, value)
    missing = {field: message for field, message in STAGE_REQUIREMENTS.get(stage, []) if not getattr(challenge, field)}
    if missing:
        raise ValidationError(missing)
    challenge.stage = stage
    if stage in RESUME_STAGES:
        challenge.status_reason = ""
    return _save(challenge, by)


def postpone_challenge(
    *,
    challenge: PeerChallenge,
    by,
    reason: str,
    new_onsite_start: datetime.date,
    new_onsite_end: datetime.date | None = None,
) -> PeerChallenge:
    """Postpone the visit to new dates, keeping the reason; the old dates stay in the history."""
    errors = {}
    if challenge.stage not in POSTPONABLE_STAGES:
        errors["stage"] = "Only a challenge whose visit has not happened yet can be postponed"
    if not reason.strip():
        errors["reason"] = "Enter why the challenge is postponed"
    if new_onsite_end is None and new_onsite_start is not None:
        # Keep the visit's length when only the new start is given.
        length = (challenge.onsite_end - challenge.onsite_start) if challenge.onsite_end else datetime.timedelta(3)
        new_onsite_end = new_onsite_start + length
    if errors:
        raise ValidationError(errors)
    challenge.stage = Stage.POSTPONED
    challenge.status_reason = reason.strip()
    challenge.onsite_start, challenge.onsite_end = new_onsite_start, new_onsite_end
    return _save(challenge, by)


def cancel_challenge(*, challenge: PeerChallenge, by, reason: str) -> PeerChallenge:
    errors = {}
    if challenge.stage not in CANCELLABLE_STAGES:
        errors["stage"] = "Only a challenge whose visit has not happened yet can be cancelled"
    if not reason.strip():
        errors["reason"] = "Enter why the challenge is cancelled"
    if errors:
        raise ValidationError(errors)
    challenge.stage = Stage.CANCELLED
    challenge.status_reason = reason.strip()
    return _save(challenge, by)


def save_challenge(*, challenge: PeerChallenge, by) -> PeerChallenge:
    """Create or edit a challenge's record (not its stage: that moves through `move_to_stage`)."""
    return _save(challenge, by)


# --- Planner --------------------------------------------------------------------------------

# An overdue or never-recorded council has no compliant date left: propose the next six months.
CATCH_UP_MONTHS = 6


@dataclass
class PlanProposal:
    cycle: CouncilCycle
    window_start: datetime.date
    window_end: datetime.date


def most_overdue_first(cycle: CouncilCycle) -> tuple:
    """Never recorded, then the longest past its due-by date, then the soonest due; by name last."""
    never = cycle.status == NEVER
    return (not never, cycle.due_by or datetime.date.min, cycle.local_authority.name)


def propose_window(cycle: CouncilCycle, *, today: datetime.date | None = None) -> PlanProposal:
    """From today to the latest compliant date (the overdue anniversary), or a catch-up window."""
    today = _today(today)
    compliant = cycle.due_by is not None and cycle.due_by >= today
    return PlanProposal(cycle, today, cycle.due_by if compliant else add_months(today, CATCH_UP_MONTHS))


# A challenge at one of these stages is being planned: the council needs no other proposal.
PLANNING_STAGES = (Stage.PROPOSED, Stage.SCOPING, Stage.POSITION_STATEMENT, Stage.POSTPONED)


def planned_challenges(region: Region, *, timetable: PeerChallengeSettings | None = None):
    """The region's challenges of a kind counting towards the cycle that are being prepared."""
    cycle_kinds = (timetable or PeerChallengeSettings.for_region(region)).cycle_kinds
    return PeerChallenge.objects.filter(local_authority__region=region, stage__in=PLANNING_STAGES, kind__in=cycle_kinds)


def plan_challenge(
    *, local_authority: LocalAuthority, by, kind: str = PeerChallenge.Kind.CORPORATE, today=None
) -> PeerChallenge:
    """Record the challenge a council that is due, overdue or never recorded has agreed with the
    LGA (the council requests it through its LGA principal adviser; the network records it)."""
    region = local_authority.region
    cycle = council_cycle_of(local_authority, today=today)
    if not cycle.needs_planning:
        raise ValidationError(
            f"{local_authority.name} is {cycle.status_label.lower()}: there is no challenge to record yet"
        )
    if planned_challenges(region).filter(local_authority=local_authority).exists():
        raise ValidationError(f"{local_authority.name} already has a challenge being prepared")
    window = propose_window(cycle, today=today)
    challenge = PeerChallenge(
        local_authority=local_authority,
        kind=kind,
        stage=Stage.PROPOSED,
        requested_on=_today(today),
        notes=(
            f"Agreed with the LGA; to keep the council in its cycle the visit should take place between "
            f"{window.window_start:%-d %B %Y} and {window.window_end:%-d %B %Y}."
        ),
    )
    return _save(challenge, by)


# --- Councils to prompt: the network's part --------------------------------------------------


@dataclass
class CouncilToPrompt:
    cycle: CouncilCycle
    window: PlanProposal
    adviser: LgaAdviser | None
    last_prompt: Prompt | None
    prompts: int


def councils_to_prompt(region: Region, *, today: datetime.date | None = None) -> list[CouncilToPrompt]:
    """Councils due, overdue or never recorded with no challenge being prepared, most overdue
    first, with their LGA adviser and the coordinator's last prompt. Six queries whatever the
    number of councils."""
    today = _today(today)
    timetable = PeerChallengeSettings.for_region(region)
    being_prepared = set(planned_challenges(region, timetable=timetable).values_list("local_authority_id", flat=True))
    cycles = [
        cycle
        for cycle in region_cycle_statuses(region, today=today, timetable=timetable)
        if cycle.needs_planning and cycle.local_authority.pk not in being_prepared
    ]
    councils = [cycle.local_authority.pk for cycle in cycles]
    advisers = {a.local_authority_id: a for a in LgaAdviser.objects.filter(local_authority__in=councils)}
    prompts: dict[int, list[Prompt]] = defaultdict(list)
    for prompt in Prompt.objects.filter(local_authority__in=councils).order_by("-prompted_on", "-created_at"):
        prompts[prompt.local_authority_id].append(prompt)
    return [
        CouncilToPrompt(
            cycle,
            propose_window(cycle, today=today),
            advisers.get(cycle.local_authority.pk),
            next(iter(prompts[cycle.local_authority.pk]), None),
            len(prompts[cycle.local_authority.pk]),
        )
        for cycle in sorted(cycles, key=most_overdue_first)
    ]


def record_prompt(
    *, local_authority: LocalAuthority, action: str, prompted_on: datetime.date, note: str = "", by=None
) -> Prompt:
    if prompted_on > timezone.localdate():
        raise ValidationError({"prompted_on": "The date of the prompt must be today or in the past"})
    prompt = Prompt(local_authority=local_authority, action=action, prompted_on=prompted_on, note=note, recorded_by=by)
    prompt.full_clean()
    prompt.save()
    return prompt


def save_lga_adviser(*, local_authority: LocalAuthority, name: str, email: str = "", phone: str = "") -> LgaAdviser:
    adviser, _ = LgaAdviser.objects.update_or_create(
        local_authority=local_authority, defaults={"name": name, "email": email, "phone": phone}
    )
    return adviser


# --- Warnings -------------------------------------------------------------------------------


def _iso_weeks(start: datetime.date, end: datetime.date) -> set[tuple[int, int]]:
    weeks, day = set(), start
    while day <= end:
        weeks.add(day.isocalendar()[:2])
        day += datetime.timedelta(days=1)
    return weeks


def same_week_visits(challenge: PeerChallenge) -> list[PeerChallenge]:
    """Other challenges of the region on site in a week this one is (a warning, not a refusal)."""
    if not challenge.onsite_start:
        return []
    end = challenge.onsite_end or challenge.onsite_start
    weeks = _iso_weeks(challenge.onsite_start, end)
    monday = challenge.onsite_start - datetime.timedelta(days=challenge.onsite_start.weekday())
    sunday = end + datetime.timedelta(days=6 - end.weekday())
    candidates = (
        PeerChallenge.objects.filter(
            local_authority__region_id=challenge.local_authority.region_id,
            onsite_start__lte=sunday,
        )
        .filter(Q(onsite_end__gte=monday) | Q(onsite_end__isnull=True, onsite_start__gte=monday))
        .exclude(pk=challenge.pk)
        .exclude(stage=Stage.CANCELLED)
        .select_related("local_authority")
    )
    return [c for c in candidates if weeks & _iso_weeks(c.onsite_start, c.onsite_end or c.onsite_start)]


def _normalised(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class PeerClash:
    """A peer of this team who is on another team on overlapping dates.

    `other` is the same person's place on the other team. When the reader may not read that
    team's region, `shows_detail` is False and nothing of `other` may be shown: not the council,
    the kind, the region nor the dates, only that the peer is booked elsewhere.
    """

    member: PeerTeamMember
    other: PeerTeamMember
    shows_detail: bool

    @property
    def message(self) -> str:
        if self.shows_detail:
            challenge = self.other.challenge
            return (
                f"{self.member.name} is also on the team of the {challenge} "
                f"({challenge.onsite_start:%-d %b %Y}), on overlapping dates."
            )
        return f"{self.member.name} is also on another region's peer team on overlapping dates."


def peer_clashes(challenge: PeerChallenge, *, reader) -> list[PeerClash]:
    """The peers of `challenge` who are also on a team whose on-site dates overlap its own.

    People are matched by name, ignoring case and spacing: peers are not user accounts. The
    search covers every region, since a peer may serve anywhere; details of another team are
    given only where `reader` may read its region (see the README's security section).
    """
    if not challenge.onsite_start:
        return []
    end = challenge.onsite_end or challenge.onsite_start
    team = list(challenge.team.all())
    names = {_normalised(member.name): member for member in team}
    if not names:
        return []
    others = (
        PeerTeamMember.objects.filter(challenge__onsite_start__lte=end)
        .filter(
            Q(challenge__onsite_end__gte=challenge.onsite_start)
            | Q(challenge__onsite_end__isnull=True, challenge__onsite_start__gte=challenge.onsite_start)
        )
        .exclude(challenge=challenge)
        .exclude(challenge__stage=Stage.CANCELLED)
        .select_related("challenge__local_authority")
        .order_by("challenge__onsite_start", "pk")
    )
    clashes = [(names[_normalised(o.name)], o) for o in others if _normalised(o.name) in names]
    if not clashes:
        return []
    readable = set(readable_regions(reader).values_list("pk", flat=True))
    return [
        PeerClash(member, other, shows_detail=other.challenge.local_authority.region_id in readable)
        for member, other in clashes
    ]


# --- Peer team, focus areas, recommendations -------------------------------------------------


def save_team_member(*, member, by=None):
    member.full_clean()
    member.save()
    return member


def set_focus_areas(*, challenge: PeerChallenge, texts: list[str]) -> None:
    """Replace the challenge's focus areas with `texts`, in that order."""
    cleaned = [" ".join(text.split()) for text in texts if text.strip()]
    with transaction.atomic():
        challenge.focus_areas.all().delete()
        FocusArea.objects.bulk_create(
            FocusArea(challenge=challenge, position=index, text=text[:300]) for index, text in enumerate(cleaned)
        )


def save_recommendation(*, recommendation, by=None):
    recommendation.full_clean()
    if by is not None:
        recommendation._history_user = by
    recommendation.save()
    return recommendation


# --- The pool of peers ------------------------------------------------------------------------


@dataclass
class Service:
    """One peer team a pool peer served on: detail only where the reader may read its region."""

    member: PeerTeamMember
    shows_detail: bool

    @property
    def day(self) -> datetime.date | None:
        return _visit_end(self.member.challenge)

    @property
    def text(self) -> str:
        challenge = self.member.challenge
        if self.shows_detail:
            return f"{challenge.local_authority.name}, {challenge.get_kind_display().lower()}"
        return "A challenge in another region"


@dataclass
class PoolRow:
    peer: Peer
    served: list[Service]
    offered: int
    available_today: bool

    @property
    def last_served(self) -> datetime.date | None:
        days = [service.day for service in self.served if service.day]
        return max(days, default=None)


def peer_pool(region: Region, *, reader, today: datetime.date | None = None) -> list[PoolRow]:
    """The region's pool of peers, who has not served for longest first (never first), with the
    teams each served on (matched by name, as peers are not accounts; held visits only) and how
    often the network offered them. Four queries whatever the pool's size: the peers, their teams
    and the regions the reader may read (two)."""
    today = _today(today)
    peers = list(
        Peer.objects.filter(region=region, active=True)
        .select_related("home_council")
        .annotate(offered=Count("challenges_offered"))
        .order_by("name")
    )
    by_name: dict[str, list[Service]] = {_normalised(peer.name): [] for peer in peers}
    if peers:
        # The database finds the names whatever their case and spacing; Python keys them alike.
        matches = Q()
        for peer in peers:
            words = [re.escape(word) for word in peer.name.split()]
            matches |= Q(name__iregex=r"^\s*" + r"\s+".join(words) + r"\s*$")
        readable = None
        members = (
            PeerTeamMember.objects.filter(matches, challenge__onsite_start__lte=today)
            .exclude(challenge__stage__in=NOT_HELD_STAGES)
            .select_related("challenge__local_authority")
            .order_by("challenge__onsite_start")
        )
        for member in members:
            if readable is None:
                readable = set(readable_regions(reader).values_list("pk", flat=True))
            key = _normalised(member.name)
            if key in by_name:
                by_name[key].append(Service(member, member.challenge.local_authority.region_id in readable))
    rows = [PoolRow(peer, by_name[_normalised(peer.name)], peer.offered, peer.is_available_on(today)) for peer in peers]
    rows.sort(key=lambda row: (row.last_served is not None, row.last_served or datetime.date.min, row.peer.name))
    return rows


def save_peer(*, peer: Peer) -> Peer:
    peer.full_clean()
    peer.save()
    return peer
