"""The region dashboard: what the coordinator and the network look at first.

`region_dashboard` composes reads from priorities and peer_challenges into one dataclass the
template only has to show. It issues a fixed number of queries whatever the size of the plan,
the number of councils or of meetings (see the test for the count).
"""

from __future__ import annotations

import contextlib
import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from peer_challenges.models import PeerChallengeSettings
from peer_challenges.services import STATUS_LABELS, STATUS_TAG_CLASSES, STATUSES, region_cycle_statuses
from priorities.models import PriorityArea
from priorities.reporting import QuarterProgress, reporting_calendar
from priorities.selectors import awaiting_sign_off, overdue_meeting_actions, rag_matrix, upcoming_meetings
from priorities.templatetags.priorities_tags import RAG_TAG_COLOURS
from programmes.models import ActionPlan, Event, Region
from programmes.selectors import upcoming_events
from sli_portal.core.quarters import Quarter

# Worst first, so a cell reads "1 red, 2 amber, 3 green".
RAG_ORDER = ["red", "amber", "green", "complete", "not_started"]
RAG_WORDS = {
    "red": "red",
    "amber": "amber",
    "green": "green",
    "complete": "complete",
    "not_started": "not started",
}
NEXT_VISITS = 3
# The dashboard lists this many overdue meeting actions, oldest first, and links to the rest.
OVERDUE_ACTIONS_SHOWN = 10


@dataclass
class RagCount:
    rag: str
    count: int

    @property
    def text(self) -> str:
        return f"{self.count} {RAG_WORDS[self.rag]}"

    @property
    def tag_class(self) -> str:
        # Computed here, not by a template include in a loop: the national view has many.
        return RAG_TAG_COLOURS.get(self.rag, "govuk-tag--grey")


@dataclass
class MatrixCell:
    quarter: Quarter
    counts: list[RagCount]

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)

    @property
    def text(self) -> str:
        return ", ".join(count.text for count in self.counts) or "No updates"


@dataclass
class MatrixRow:
    priority_area: object
    cells: list[MatrixCell]


@dataclass
class CycleCount:
    status: str
    label: str
    count: int

    @property
    def tag_class(self) -> str:
        """The status's colour, the same on every page (peer_challenges owns the map)."""
        return STATUS_TAG_CLASSES[self.status]


@dataclass
class RegionDashboard:
    region: Region
    today: datetime.date
    plan: ActionPlan | None = None
    quarters: list[Quarter] = field(default_factory=list)
    matrix: list[MatrixRow] = field(default_factory=list)
    # The headline: the plan's last due quarter, the date its updates were due, and the
    # objectives that owed one and have none submitted (overdue). Then the quarter being
    # collected ("3 of 16 submitted, due 14 January 2027"). See priorities.reporting.
    reporting_quarter: Quarter | None = None
    updates_due_on: datetime.date | None = None
    missing_updates: list = field(default_factory=list)
    collecting: QuarterProgress | None = None
    # Proposed objectives the network has yet to sign off (listed for those who record it).
    awaiting_sign_off: list = field(default_factory=list)
    overdue_actions: list = field(default_factory=list)
    overdue_actions_total: int = 0
    upcoming_meetings: list = field(default_factory=list)
    upcoming_events: list[Event] = field(default_factory=list)
    cycle_counts: list[CycleCount] = field(default_factory=list)
    next_visits: list = field(default_factory=list)
    peer_challenge_schedule_url: str = ""

    @cached_property
    def peer_challenge_settings(self) -> PeerChallengeSettings:
        """Read once for the cycle counts and the late follow-ups of the coordinator's tasks."""
        return PeerChallengeSettings.for_region(self.region)

    @property
    def cycles_needing_attention(self) -> int:
        return sum(c.count for c in self.cycle_counts if c.status in ("due", "overdue", "never"))


def _matrix(plan: ActionPlan, quarters: list[Quarter]) -> list[MatrixRow]:
    counts = rag_matrix(plan, quarters)
    rows = []
    for area in PriorityArea.objects.filter(plan=plan).select_related("lead").order_by("number"):
        by_quarter = counts.get(area.pk, {})
        cells = []
        for quarter in quarters:
            counter = by_quarter.get(quarter, Counter())
            cells.append(MatrixCell(quarter, [RagCount(rag, counter[rag]) for rag in RAG_ORDER if counter[rag]]))
        rows.append(MatrixRow(area, cells))
    return rows


def _peer_challenges(dashboard: RegionDashboard) -> None:
    cycles = region_cycle_statuses(dashboard.region, today=dashboard.today, timetable=dashboard.peer_challenge_settings)
    counts = Counter(cycle.status for cycle in cycles)
    dashboard.cycle_counts = [CycleCount(status, STATUS_LABELS[status], counts[status]) for status in STATUSES]
    booked = [cycle for cycle in cycles if cycle.next_booked is not None]
    booked.sort(key=lambda cycle: (cycle.next_booked.onsite_start, cycle.local_authority.name))
    dashboard.next_visits = booked[:NEXT_VISITS]
    # The schedule page belongs to peer_challenges and may not be wired yet.
    with contextlib.suppress(NoReverseMatch):
        dashboard.peer_challenge_schedule_url = reverse("peer_challenge_schedule", args=[dashboard.region.slug])


def region_dashboard(region: Region, *, today: datetime.date | None = None) -> RegionDashboard:
    today = today or timezone.localdate()
    dashboard = RegionDashboard(region=region, today=today)
    dashboard.plan = ActionPlan.objects.filter(region=region, status=ActionPlan.Status.ACTIVE).first()
    plan = dashboard.plan
    if plan is not None:
        plan.region = region  # read by the calendar's due dates: no second query
        calendar = reporting_calendar(plan, today=today)
        if calendar.last_due is not None:
            headline = calendar.last_due.quarter
            # Newest first: on a phone the quarter that matters is the one on screen.
            dashboard.quarters = [quarter for quarter in reversed(plan.quarters) if quarter <= headline]
            dashboard.matrix = _matrix(plan, dashboard.quarters)
            dashboard.reporting_quarter = headline
            dashboard.updates_due_on = calendar.last_due.due
            dashboard.missing_updates = calendar.overdue
        dashboard.collecting = calendar.collecting
        dashboard.awaiting_sign_off = list(awaiting_sign_off(plan))
    if plan is not None:
        # The active plan's only, and the oldest few: a closed plan's actions are history, and
        # the meetings page lists them all.
        overdue = overdue_meeting_actions(region, today, plan=plan)
        dashboard.overdue_actions = list(overdue[:OVERDUE_ACTIONS_SHOWN])
        dashboard.overdue_actions_total = overdue.count()
    dashboard.upcoming_meetings = list(upcoming_meetings(region, today))
    dashboard.upcoming_events = list(upcoming_events(region, today=today))
    _peer_challenges(dashboard)
    return dashboard
