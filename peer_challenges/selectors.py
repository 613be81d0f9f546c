"""Reads the peer-challenge pages share, each with a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from programmes.models import Region

from . import services
from .models import PeerChallenge, PeerChallengeSettings, PeerTeamMember, Recommendation, RecommendationTheme

Stage = PeerChallenge.Stage

# Most urgent first when sorting by status.
STATUS_ORDER = {
    services.OVERDUE: 0,
    services.NEVER: 1,
    services.DUE: 2,
    services.BOOKED: 3,
    services.CURRENT: 4,
}


@dataclass
class ScheduleRow:
    cycle: services.CouncilCycle
    planned: PeerChallenge | None  # the booked challenge, or an open one still without dates
    kinds: set[str] = field(default_factory=set)  # of all the council's challenges
    # (challenge, LateMilestone) of the council's open challenges
    late: list[tuple[PeerChallenge, object]] = field(default_factory=list)

    @property
    def council(self):
        return self.cycle.local_authority


def schedule(region: Region, *, today: datetime.date) -> list[ScheduleRow]:
    """Every active council with its cycle, planned challenge and late milestones.

    Four queries: the region's peer-challenge settings, the councils and their challenges
    (region_cycle_statuses), the councils' challenges of every kind (for planned ones and the
    late flags).
    """
    timetable = PeerChallengeSettings.for_region(region)
    cycles = services.region_cycle_statuses(region, today=today, timetable=timetable)
    councils = {cycle.local_authority.pk: cycle.local_authority for cycle in cycles}
    all_challenges: dict[int, list[PeerChallenge]] = defaultdict(list)
    for challenge in PeerChallenge.objects.filter(local_authority__in=list(councils)).order_by("onsite_start", "pk"):
        challenge.local_authority = councils[challenge.local_authority_id]
        all_challenges[challenge.local_authority_id].append(challenge)
    rows = []
    for cycle in cycles:
        challenges = all_challenges[cycle.local_authority.pk]
        planned = cycle.next_booked or next(
            (
                c
                for c in challenges
                if timetable.counts_for_cycle(c.kind)
                and c.onsite_start is None
                and c.stage not in (Stage.CANCELLED, Stage.CLOSED)
            ),
            None,
        )
        row = ScheduleRow(cycle, planned, kinds={c.kind for c in challenges})
        for challenge in challenges:
            row.late.extend((challenge, milestone) for milestone in challenge.late_milestones(today, timetable))
        rows.append(row)
    return rows


def filter_schedule(rows: list[ScheduleRow], *, status: str = "", kind: str = "", sort: str = "") -> list[ScheduleRow]:
    """The rows of one status, of councils with a challenge of one kind, sorted (by council otherwise)."""
    rows = [r for r in rows if (not status or r.cycle.status == status) and (not kind or kind in r.kinds)]
    if sort == "status":
        rows.sort(key=lambda r: (STATUS_ORDER[r.cycle.status], r.council.name))
    elif sort == "due":
        # Councils never challenged have no due date: most urgent, first.
        rows.sort(key=lambda r: (r.cycle.due_by is not None, r.cycle.due_by or datetime.date.min, r.council.name))
    return rows


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def timeline_kind(challenge: PeerChallenge) -> str:
    """ "Finance", "Public health", … : the kind without "peer challenge"."""
    return challenge.get_kind_display().removesuffix(" peer challenge")


@dataclass
class TimelineEntry:
    label: str  # "Visit, Mar", "Finance review, Jan", "Public health visit, Jun"
    challenge: PeerChallenge


@dataclass
class TimelineRow:
    council: object
    cells: list[list[TimelineEntry]]  # one list a year, in the order of `years`
    cycle: object = None  # the council's CouncilCycle: due, overdue or never are marked

    @property
    def needs_attention(self) -> bool:
        return self.cycle is not None and self.cycle.needs_planning


def timeline(region: Region, *, today: datetime.date, before: int = 5, after: int = 5) -> tuple[list[int], list]:
    """Years from `before` years ago to `after` years ahead, and for each active council the
    on-site visits and progress reviews of each year, with its cycle status. Four queries."""
    years = list(range(today.year - before, today.year + after + 1))
    first, last = datetime.date(years[0], 1, 1), datetime.date(years[-1], 12, 31)
    councils = list(region.local_authorities.filter(active=True))
    by_council: dict[int, list[list[TimelineEntry]]] = {c.pk: [[] for _ in years] for c in councils}
    challenges = (
        PeerChallenge.objects.filter(local_authority__in=councils)
        .exclude(stage=Stage.CANCELLED)
        .filter(Q(onsite_start__range=(first, last)) | Q(progress_review_date__range=(first, last)))
        .order_by("onsite_start")
    )
    for challenge in challenges:
        cells = by_council[challenge.local_authority_id]
        # Short enough for eleven columns: "Visit, May" for a corporate challenge, others named.
        kind = "" if challenge.kind == PeerChallenge.Kind.CORPORATE else timeline_kind(challenge) + " "
        if challenge.onsite_start and first <= challenge.onsite_start <= last:
            label = _first_upper(f"{kind}visit, {challenge.onsite_start:%b}")
            if challenge.stage == Stage.POSTPONED:
                label += " (postponed)"
            cells[challenge.onsite_start.year - years[0]].append(TimelineEntry(label, challenge))
        if challenge.progress_review_date and first <= challenge.progress_review_date <= last:
            label = _first_upper(f"{kind}review, {challenge.progress_review_date:%b}")
            cells[challenge.progress_review_date.year - years[0]].append(TimelineEntry(label, challenge))
    cycles = {cycle.local_authority.pk: cycle for cycle in services.region_cycle_statuses(region, today=today)}
    return years, [TimelineRow(council, by_council[council.pk], cycles.get(council.pk)) for council in councils]


def challenge_for_region(region: Region) -> QuerySet[PeerChallenge]:
    """The region's challenges, ready for the detail page (team, focus areas, recommendations)."""
    return (
        PeerChallenge.objects.filter(local_authority__region=region)
        .select_related("local_authority")
        .prefetch_related(
            Prefetch("team", queryset=PeerTeamMember.objects.select_related("home_council")),
            "focus_areas",
            "recommendations",
        )
    )


def challenge_history(challenge: PeerChallenge):
    """Every recorded change of the challenge, newest first, with who made it."""
    return challenge.history.select_related("history_user").order_by("-history_date", "-history_id")


@dataclass
class ThemeRow:
    theme: str
    label: str
    councils: set = field(default_factory=set)
    recommendations: list = field(default_factory=list)

    @property
    def council_names(self) -> list[str]:
        return sorted(self.councils)


def recommendation_themes(region: Region) -> tuple[list[ThemeRow], int]:
    """What keeps coming up: each theme of the region's peer-challenge recommendations with the
    councils it came up for (most councils first) and its recommendations, newest visits first;
    and how many recommendations have no theme yet. One query."""
    rows = {theme.value: ThemeRow(theme.value, theme.label) for theme in RecommendationTheme}
    untagged = 0
    recommendations = (
        Recommendation.objects.filter(challenge__local_authority__region=region)
        .exclude(challenge__stage=Stage.CANCELLED)
        .select_related("challenge__local_authority")
        .order_by("-challenge__onsite_start", "challenge_id", "pk")
    )
    for recommendation in recommendations:
        themes = [theme for theme in recommendation.themes if theme in rows]
        if not themes:
            untagged += 1
        for theme in themes:
            rows[theme].councils.add(recommendation.challenge.local_authority.name)
            rows[theme].recommendations.append(recommendation)
    found = [row for row in rows.values() if row.recommendations]
    found.sort(key=lambda row: (-len(row.councils), -len(row.recommendations), row.label))
    return found, untagged
