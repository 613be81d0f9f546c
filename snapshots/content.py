"""What a snapshot says: its sections compiled from the portal's live data for a region and month.

`compile_content` gathers everything the template shows, so the template holds no rule and the
same content gives the same HTML (and so the same content hash) on every render of a day.

The snapshot reports what is true on the day it is compiled (shared/DESIGN.md): the last due
quarter on that day (priorities.reporting), never a quarter whose updates are still being
collected, and the events of the eight weeks from that day. The month decides the cover and the
peer-challenge milestones.
"""

from __future__ import annotations

import base64
import calendar
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from case_studies.models import CaseStudy
from indicators.selectors import IndicatorPanel, plan_indicators
from peer_challenges.services import Milestone, milestones_between
from priorities.models import KeyObjective, PriorityArea, Project, QuarterlyUpdate
from priorities.reporting import last_due_quarter
from priorities.selectors import (
    badged_projects,
    latest_submitted_updates,
    plan_reporting,
    public_priority_areas,
    quarter_highlights,
    rag_matrix,
)
from programmes.models import LOGO_MAX_BYTES, ActionPlan, Event, Region
from sli_portal.core.images import image_kind
from sli_portal.core.notifications import portal_url
from sli_portal.core.quarters import Quarter

from .formatting import render_markdown
from .models import Snapshot

Rag = QuarterlyUpdate.Rag

EVENT_WEEKS = 8
CHART_QUARTERS = 4
SUMMARY_CHARACTERS = 160

# The order of the chart's segments and of its legend: from not started to complete.
RAG_ORDER = [Rag.NOT_STARTED, Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE]
# GOV.UK colours; each segment also carries its count and the table gives the same numbers as text.
RAG_COLOURS = {
    Rag.NOT_STARTED: "#b1b4b6",
    Rag.RED: "#d4351c",
    Rag.AMBER: "#f47738",
    Rag.GREEN: "#00703c",
    Rag.COMPLETE: "#1d70b8",
}
RAG_TEXT_COLOURS = {Rag.NOT_STARTED: "#0b0c0c", Rag.AMBER: "#0b0c0c"}


@dataclass
class ObjectiveProgress:
    objective: KeyObjective
    update: QuarterlyUpdate | None
    # The outcome indicators linked to the objective (indicators.selectors): part of the HTML, so
    # new values change the content hash and the next render makes a new PDF.
    indicators: list[IndicatorPanel] = field(default_factory=list)

    @property
    def rag_status(self) -> str:
        return self.update.rag_status if self.update else ""

    @property
    def rag_label(self) -> str:
        return self.update.get_rag_status_display() if self.update else "No update yet"

    @property
    def summary(self) -> str:
        """The update's progress narrative, cut to one line."""
        if not self.update or not self.update.progress.strip():
            return ""
        first_line = self.update.progress.strip().splitlines()[0]
        return Truncator(first_line).chars(SUMMARY_CHARACTERS)


@dataclass
class ChartSegment:
    status: str
    label: str
    count: int
    x: float
    width: float
    colour: str
    text_colour: str

    @property
    def text_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class ChartBar:
    quarter: Quarter
    y: float
    total: int
    segments: list[ChartSegment]
    counts: list[int]  # in RAG_ORDER, for the table


@dataclass
class PriorityProgress:
    area: PriorityArea
    objectives: list[ObjectiveProgress]
    bars: list[ChartBar]
    chart_height: int = 0
    indicators: list[IndicatorPanel] = field(default_factory=list)

    @property
    def has_chart(self) -> bool:
        return any(bar.total for bar in self.bars)

    @property
    def chart_alt(self) -> str:
        """The chart in words, for a screen reader (the PDF's /Alt, the SVG's <title>)."""
        labels = dict(Rag.choices)
        quarters = []
        for bar in self.bars:
            counts = [
                f"{count} {labels[status].lower()}"
                for status, count in zip(RAG_ORDER, bar.counts, strict=True)
                if count
            ]
            quarters.append(f"{bar.quarter}: {', '.join(counts) or 'no updates'}")
        return (
            f"Bar chart of the RAG statuses reported for the key objectives of priority {self.area.number}, "
            f"by quarter. {'; '.join(quarters)}."
        )


# Worst to best, to say whether a key objective moved up or down between two quarters.
RAG_RANK = {Rag.RED: 0, Rag.NOT_STARTED: 1, Rag.AMBER: 2, Rag.GREEN: 3, Rag.COMPLETE: 4}


@dataclass
class RagMove:
    objective: KeyObjective
    before: str
    after: str


@dataclass
class RagTotal:
    status: str
    label: str
    count: int


@dataclass
class AtAGlance:
    """The front page: the reported quarter in numbers, and what changed."""

    quarter: Quarter
    previous_quarter: Quarter
    totals: list[RagTotal]
    improved: list[RagMove] = field(default_factory=list)
    worsened: list[RagMove] = field(default_factory=list)
    completed: list[KeyObjective] = field(default_factory=list)
    signed_off: list[KeyObjective] = field(default_factory=list)
    signed_off_since: datetime.date | None = None

    @property
    def total(self) -> int:
        return sum(total.count for total in self.totals)


@dataclass
class RagChart:
    """Geometry of the RAG bar chart, in SVG user units."""

    # Text is 12 units high: at the PDF's 125 mm chart width that prints at 8.4 pt.
    label_width: int = 84
    bar_area: int = 380
    bar_height: int = 19
    gap: int = 6

    def height(self, bars: int) -> int:
        return bars * (self.bar_height + self.gap)

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + 40


@dataclass
class SnapshotContent:
    snapshot: Snapshot
    region: Region
    month_start: datetime.date
    month_end: datetime.date
    compiled_on: datetime.date
    plan: ActionPlan | None
    quarter: Quarter
    chart_quarters: list[Quarter]
    chart: RagChart
    priorities: list[PriorityProgress] = field(default_factory=list)
    highlights: list[QuarterlyUpdate] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    events_until: datetime.date | None = None
    milestones_this_month: list[Milestone] = field(default_factory=list)
    milestones_coming: list[Milestone] = field(default_factory=list)
    coming_until: datetime.date | None = None
    introduction_html: SafeString = SafeString("")
    highlights_html: SafeString = SafeString("")
    adph_updates_html: SafeString = SafeString("")
    glance: AtAGlance | None = None
    # The case study of the month, while it is published, and its public page.
    case_study: CaseStudy | None = None
    case_study_url: str = ""
    # The network's own cover: its colour (white text reads on it) and its logo, inlined.
    cover_colour: str = ""
    logo_data_url: str = ""

    rag_order = RAG_ORDER

    @property
    def rag_legend(self) -> list[tuple[str, str, str]]:
        labels = dict(Rag.choices)
        return [(status, labels[status], RAG_COLOURS[status]) for status in RAG_ORDER]

    @property
    def objective_count(self) -> int:
        return sum(len(priority.objectives) for priority in self.priorities)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_day = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last_day)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def chart_quarters(plan: ActionPlan | None, quarter: Quarter) -> list[Quarter]:
    """Up to the last four quarters ending with `quarter`, within the plan's period."""
    if plan is None:
        return []
    quarters = [q for q in plan.quarters if q <= quarter]
    return quarters[-CHART_QUARTERS:]


def _bars(chart: RagChart, counters: dict[Quarter, Counter], quarters: list[Quarter], scale: int) -> list[ChartBar]:
    labels = dict(Rag.choices)
    bars = []
    for index, quarter in enumerate(quarters):
        counter = counters.get(quarter, Counter())
        x = float(chart.label_width)
        segments = []
        for status in RAG_ORDER:
            count = counter.get(status, 0)
            if not count:
                continue
            width = chart.bar_area * count / scale
            colour = RAG_COLOURS[status]
            segments.append(
                ChartSegment(status, labels[status], count, x, width, colour, RAG_TEXT_COLOURS.get(status, "#ffffff"))
            )
            x += width
        bars.append(
            ChartBar(
                quarter=quarter,
                y=index * (chart.bar_height + chart.gap),
                total=sum(counter.values()),
                segments=segments,
                counts=[counter.get(status, 0) for status in RAG_ORDER],
            )
        )
    return bars


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _at_a_glance(snapshot: Snapshot, plan: ActionPlan, quarter: Quarter, matrix, today: datetime.date) -> AtAGlance:
    """The reported quarter's RAG totals (from the chart's matrix: completed objectives carry
    forward), the objectives whose RAG moved since the quarter before, those completed in it, and
    those the network signed off since the previous snapshot; two queries."""
    labels = dict(Rag.choices)
    counts: Counter = Counter()
    for by_quarter in matrix.values():
        counts.update(by_quarter.get(quarter, Counter()))
    previous = quarter.previous()
    glance = AtAGlance(
        quarter=quarter,
        previous_quarter=previous,
        totals=[RagTotal(status, labels[status], counts[status]) for status in reversed(RAG_ORDER)],
    )
    updates = (
        QuarterlyUpdate.objects.submitted()
        .of_signed_off_objectives()
        .filter(key_objective__plan=plan, quarter__in=[previous.code, quarter.code])
        .select_related("key_objective")
        .order_by("key_objective__number")
    )
    by_objective: dict[int, dict[Quarter, QuarterlyUpdate]] = {}
    for update in updates:
        by_objective.setdefault(update.key_objective_id, {})[update.quarter] = update
    for statuses in by_objective.values():
        now, before = statuses.get(quarter), statuses.get(previous)
        if now is None:
            continue
        if now.rag_status == Rag.COMPLETE and (before is None or before.rag_status != Rag.COMPLETE):
            glance.completed.append(now.key_objective)
        elif before is not None and now.rag_status != before.rag_status:
            move = RagMove(now.key_objective, labels[before.rag_status], labels[now.rag_status])
            better = RAG_RANK[now.rag_status] > RAG_RANK[before.rag_status]
            (glance.improved if better else glance.worsened).append(move)
    earlier = (
        Snapshot.objects.published()
        .filter(region_id=snapshot.region_id, month__lt=snapshot.month)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )
    # Since the previous snapshot's month began, or a month before this one's.
    glance.signed_off_since = earlier or add_months(snapshot.month, -1)
    glance.signed_off = list(
        KeyObjective.objects.signed_off()
        .filter(plan=plan, decided_on__gte=glance.signed_off_since, decided_on__lte=today)
        .order_by("number")
    )
    return glance


def _logo_data_url(region: Region) -> str:
    """The region's logo inlined, so the PDF needs no fetch and the page no second request."""
    if not region.logo:
        return ""
    try:
        with region.logo.open("rb") as file:
            data = file.read(LOGO_MAX_BYTES + 1)
    except (FileNotFoundError, OSError):
        return ""
    kind = image_kind(data)
    if kind is None or len(data) > LOGO_MAX_BYTES:
        return ""
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def _featured_case_study(snapshot: Snapshot) -> CaseStudy | None:
    """The snapshot's case study of the month if it is still published (a snapshot is public,
    a withdrawn case study no longer is); its councils read in the same query."""
    if snapshot.featured_case_study_id is None:
        return None
    return (
        CaseStudy.objects.published()
        .filter(pk=snapshot.featured_case_study_id)
        .select_related("region")
        .prefetch_related("councils")
        .first()
    )


def compile_content(snapshot: Snapshot, *, today: datetime.date | None = None) -> SnapshotContent:
    """Every section of `snapshot` as read from the live data on `today` (the render's day);
    a bounded number of queries."""
    region = snapshot.region
    today = today or timezone.localdate()
    month_start, month_end = month_bounds(snapshot.month)
    # The last due quarter on the render's day: its updates are all in, and are the news.
    quarter = last_due_quarter(region, today)
    plan = plan_reporting(region, quarter)
    quarters = chart_quarters(plan, quarter)
    chart = RagChart()
    content = SnapshotContent(
        snapshot=snapshot,
        region=region,
        month_start=month_start,
        month_end=month_end,
        compiled_on=today,
        plan=plan,
        quarter=quarter,
        chart_quarters=quarters,
        chart=chart,
        introduction_html=render_markdown(snapshot.introduction),
        highlights_html=render_markdown(snapshot.highlights),
        adph_updates_html=render_markdown(snapshot.adph_updates),
    )
    if plan is not None:
        latest = latest_submitted_updates(plan, up_to=quarter)
        matrix = rag_matrix(plan, quarters) if quarters else {}
        # A snapshot is public: like the public plan, it shows only what the network signed off.
        areas = list(public_priority_areas(plan))
        indicators = plan_indicators(plan, region, public=True)
        # One scale for every priority, so bars compare across the page.
        scale = max([len(area.public_objectives) for area in areas] + [1])
        for area in areas:
            objectives = [
                ObjectiveProgress(o, latest.get(o.pk), indicators.for_objective(o.pk)) for o in area.public_objectives
            ]
            bars = _bars(chart, matrix.get(area.pk, {}), quarters, scale)
            content.priorities.append(
                PriorityProgress(area, objectives, bars, chart.height(len(bars)), indicators.for_priority_area(area.pk))
            )
        content.highlights = list(quarter_highlights(plan, quarter))
        content.glance = _at_a_glance(snapshot, plan, quarter, matrix, today)
    content.case_study = _featured_case_study(snapshot)
    if content.case_study is not None:
        content.case_study_url = portal_url(content.case_study.get_absolute_url())
    content.cover_colour = region.cover_colour
    content.logo_data_url = _logo_data_url(region)
    content.projects = [
        project
        for project in badged_projects(region, public=True)
        # Badged by the month's end; completed ones for a year.
        if project.badged_on <= month_end
        and (project.status != Project.Status.COMPLETED or project.badged_on >= add_months(month_start, -12))
    ]
    content.events_until = today + datetime.timedelta(weeks=EVENT_WEEKS)
    content.events = list(
        Event.objects.filter(
            region=region,
            starts_at__gte=_local_midnight(today),
            starts_at__lt=_local_midnight(content.events_until),
        ).order_by("starts_at")
    )
    content.coming_until = add_months(month_end.replace(day=1), 4) - datetime.timedelta(days=1)
    milestones = milestones_between(region, month_start, content.coming_until)
    content.milestones_this_month = [m for m in milestones if m.date <= month_end]
    content.milestones_coming = [m for m in milestones if m.date > month_end]
    return content
