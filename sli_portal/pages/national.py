"""The national roll-up: every region's active plan side by side, for the national SLI board.

`national_overview` reads all regions at once with a fixed number of queries whatever the
number of regions, plans, objectives or councils (see `programmes/tests/test_national.py`):
regions, active plans, their priority areas, one aggregated RAG count, one count of missing
updates, councils, their cycle-counting peer challenges.

`annual_report` is the year's progress of one region for the national board (CSV and PDF), and
`public_summary` what anyone may read of every region: its published plan and latest snapshot.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from peer_challenges.models import PeerChallenge, PeerChallengeSettings
from peer_challenges.services import STATUS_LABELS, STATUSES, council_cycle
from priorities.models import KeyObjective, PriorityArea, QuarterlyUpdate
from priorities.reporting import last_due_quarter, overdue_counts, update_due_date
from priorities.selectors import rag_matrix
from programmes.models import ActionPlan, LocalAuthority, Region
from sli_portal.core.pdf import render_pdf
from sli_portal.core.quarters import Quarter
from snapshots.models import Snapshot

from .dashboard import RAG_ORDER, CycleCount, MatrixCell, MatrixRow, RagCount

# The national view shows the year up to today: the current quarter and the three before it.
QUARTERS_SHOWN = 4


@dataclass
class RegionRollUp:
    region: Region
    plan: ActionPlan | None = None
    matrix: list[MatrixRow] = field(default_factory=list)
    # Region-wide RAG counts per quarter (the sum of the matrix's column).
    totals: list[MatrixCell] = field(default_factory=list)
    # The region's headline: its last due quarter (priorities.reporting), when its updates were
    # due, and how many objectives that owed one have none submitted (overdue).
    reporting_quarter: Quarter | None = None
    updates_due_on: datetime.date | None = None
    missing_updates: int = 0
    cycle_counts: list[CycleCount] = field(default_factory=list)

    @property
    def latest_total(self) -> MatrixCell | None:
        """The RAG counts of the last due quarter: never a quarter still being collected."""
        return next((cell for cell in self.totals if cell.quarter == self.reporting_quarter), None)


@dataclass
class NationalOverview:
    today: datetime.date
    quarters: list[Quarter]
    regions: list[RegionRollUp]

    @property
    def missing_updates(self) -> int:
        return sum(r.missing_updates for r in self.regions)


def _cells(quarters: list[Quarter], by_quarter: dict[Quarter, Counter]) -> list[MatrixCell]:
    cells = []
    for quarter in quarters:
        counter = by_quarter.get(quarter, Counter())
        cells.append(MatrixCell(quarter, [RagCount(rag, counter[rag]) for rag in RAG_ORDER if counter[rag]]))
    return cells


def _cycle_counts(regions: list[Region], today: datetime.date) -> dict[int, list[CycleCount]]:
    """Region id → peer-challenge cycle status counts of its active councils; three queries."""

    by_id = {region.pk: region for region in regions}
    councils = list(LocalAuthority.objects.filter(region__in=regions, active=True).order_by())
    challenges: dict[int, list] = defaultdict(list)
    saved = {s.region_id: s for s in PeerChallengeSettings.objects.filter(region__in=regions)}
    cycle_kinds = {r.pk: (saved.get(r.pk) or PeerChallengeSettings(region=r)).cycle_kinds for r in regions}
    for challenge in PeerChallenge.objects.filter(local_authority__region__in=regions).order_by():
        challenges[challenge.local_authority_id].append(challenge)
    counts: dict[int, Counter] = defaultdict(Counter)
    for council in councils:
        region = by_id[council.region_id]
        cycle = council_cycle(
            council,
            challenges[council.pk],
            today=today,
            due_years=region.peer_challenge_due_years,
            overdue_years=region.peer_challenge_overdue_years,
            cycle_kinds=cycle_kinds[region.pk],
        )
        counts[region.pk][cycle.status] += 1
    return {
        region.pk: [CycleCount(status, STATUS_LABELS[status], counts[region.pk][status]) for status in STATUSES]
        for region in regions
    }


def national_overview(*, today: datetime.date | None = None) -> NationalOverview:
    """Every region with its active plan, RAG counts per quarter, missing updates and peer
    challenges; seven queries whatever the number of regions."""

    today = today or timezone.localdate()
    regions = list(Region.objects.order_by("name"))
    last_due = {region.pk: last_due_quarter(region, today) for region in regions}
    # Columns end at the latest last due quarter among the regions (one unless their due days differ).
    quarters = [max(last_due.values())] if last_due else []
    while quarters and len(quarters) < QUARTERS_SHOWN:
        quarters.insert(0, quarters[0].previous())

    plans = {plan.region_id: plan for plan in ActionPlan.objects.filter(status=ActionPlan.Status.ACTIVE)}
    areas: dict[int, list] = defaultdict(list)
    for area in (
        PriorityArea.objects.filter(plan__in=list(plans.values())).select_related("lead").order_by("plan_id", "number")
    ):
        areas[area.plan_id].append(area)
    rag = rag_matrix(list(plans.values()), quarters)
    by_pk = {region.pk: region for region in regions}
    for plan in plans.values():
        plan.region = by_pk[plan.region_id]
    missing = overdue_counts(list(plans.values()), today=today)
    cycles = _cycle_counts(regions, today)

    rollups = []
    for region in regions:
        rollup = RegionRollUp(region, plans.get(region.pk), cycle_counts=cycles[region.pk])
        plan = rollup.plan
        if plan is not None:
            headline = last_due[region.pk]
            # Updates of quarters after the region's last due quarter are still being collected: a
            # board reads the position at the last due quarter, never one early update.
            region_totals: dict[Quarter, Counter] = defaultdict(Counter)
            for area in areas[plan.pk]:
                by_quarter = {q: c for q, c in rag.get(area.pk, {}).items() if q <= headline}
                rollup.matrix.append(MatrixRow(area, _cells(quarters, by_quarter)))
                for quarter, counter in by_quarter.items():
                    region_totals[quarter].update(counter)
            rollup.totals = _cells(quarters, region_totals)
            if headline in plan.quarters:
                rollup.reporting_quarter = headline
                rollup.updates_due_on = update_due_date(region, headline)
                rollup.missing_updates = missing.get(plan.pk, 0)
        rollups.append(rollup)
    return NationalOverview(today, quarters, rollups)


# --- The annual report for the national board ----------------------------------------------


@dataclass
class ReportObjective:
    objective: object
    # One update (or None) per quarter of the financial year.
    updates: list
    latest: object | None

    @property
    def rags(self) -> list[str]:
        return [update.get_rag_status_display() if update else "" for update in self.updates]


@dataclass
class ReportPriority:
    priority_area: object
    objectives: list[ReportObjective]


@dataclass
class AnnualReport:
    region: Region
    year: int  # the financial year's start: 2024 for 2024/25
    quarters: list[Quarter]
    plan: ActionPlan | None
    priorities: list[ReportPriority]
    totals: list[MatrixCell]
    cycle_counts: list[CycleCount]
    snapshots_published: int
    generated_on: datetime.date

    @property
    def financial_year(self) -> str:
        return self.quarters[0].financial_year

    @property
    def filename_stem(self) -> str:
        return f"{self.region.slug}-sli-annual-report-{self.year}-{(self.year + 1) % 100:02d}"


def report_plan(region: Region, year: int) -> ActionPlan | None:
    """The plan the year is reported against: the approved plan covering most of it, the
    active one first."""
    start, end = Quarter(year, 1).start_date, Quarter(year, 4).end_date
    plans = ActionPlan.objects.public().filter(region=region, start_date__lte=end, end_date__gte=start)
    return plans.filter(status=ActionPlan.Status.ACTIVE).first() or plans.order_by("-start_date").first()


def annual_report(region: Region, year: int, *, today: datetime.date | None = None) -> AnnualReport:
    """The financial year's quarterly progress of the region's plan; a fixed number of queries."""

    quarters = [Quarter(year, number) for number in (1, 2, 3, 4)]
    plan = report_plan(region, year)
    priorities: list[ReportPriority] = []
    totals: dict[Quarter, Counter] = defaultdict(Counter)
    if plan is not None:
        submitted = (
            QuarterlyUpdate.objects.submitted().filter(quarter__in=[q.code for q in quarters]).order_by("quarter")
        )
        areas = (
            PriorityArea.objects.filter(plan=plan)
            .select_related("lead")
            .prefetch_related(
                Prefetch(
                    "key_objectives",
                    # The report leaves the region: what the network signed off, as every public output.
                    queryset=KeyObjective.objects.signed_off()
                    .order_by("number")
                    .prefetch_related(Prefetch("updates", queryset=submitted, to_attr="year_updates")),
                )
            )
            .order_by("number")
        )
        for area in areas:
            rows = []
            for objective in area.key_objectives.all():
                by_quarter = {update.quarter: update for update in objective.year_updates}
                latest = objective.year_updates[-1] if objective.year_updates else None
                rows.append(ReportObjective(objective, [by_quarter.get(q) for q in quarters], latest))
            priorities.append(ReportPriority(area, rows))
        # The same counts as every headline: an objective completed earlier still counts.
        for by_quarter in rag_matrix(plan, quarters).values():
            for quarter, counter in by_quarter.items():
                totals[quarter] += counter
    today = today or timezone.localdate()
    start, end = quarters[0].start_date, quarters[-1].end_date
    published = Snapshot.objects.published().filter(region=region, month__range=(start, end)).count()
    return AnnualReport(
        region=region,
        year=year,
        quarters=quarters,
        plan=plan,
        priorities=priorities,
        totals=_cells(quarters, totals),
        cycle_counts=_cycle_counts([region], today)[region.pk],
        snapshots_published=published,
        generated_on=today,
    )


REPORT_COLUMNS = [
    "Region",
    "Plan",
    "Priority number",
    "Priority title",
    "DPH lead",
    "Objective number",
    "Objective title",
]


def _safe(value) -> str:
    """Text a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def annual_report_csv(report: AnnualReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS + [f"{q} RAG" for q in report.quarters] + ["Latest quarter", "Latest progress"])
    plan_title = report.plan.title if report.plan else ""
    for priority in report.priorities:
        area = priority.priority_area
        lead = (area.lead.get_full_name() or area.lead.get_username()) if area.lead else ""
        for row in priority.objectives:
            objective = row.objective
            writer.writerow(
                [
                    _safe(value)
                    for value in [
                        report.region.name,
                        plan_title,
                        area.number,
                        area.title,
                        lead,
                        objective.number,
                        objective.public_title,
                        *row.rags,
                        row.latest.quarter.label if row.latest else "",
                        row.latest.progress if row.latest else "",
                    ]
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def annual_report_pdf(report: AnnualReport) -> bytes:
    return render_pdf(render_to_string("programmes/national_report_pdf.html", {"report": report}))


def default_report_year(today: datetime.date | None = None) -> int:
    """The financial year the board asks about: the last one that has ended."""
    return Quarter.from_date(today or timezone.localdate()).year - 1


# --- The public summary --------------------------------------------------------------------


@dataclass
class PublicRegion:
    region: Region
    plan: ActionPlan | None
    latest_snapshot: object | None


def public_summary() -> list[PublicRegion]:
    """Every region with its published plan (active, else the latest approved or closed one) and
    its latest published snapshot; three queries whatever the number of regions."""

    regions = list(Region.objects.order_by("name"))
    plans: dict[int, ActionPlan] = {}
    # Active first, then the newest: the first plan seen for a region is the one shown.
    for plan in ActionPlan.objects.public().order_by("region_id", "-start_date"):
        current = plans.get(plan.region_id)
        if current is None or (plan.status == ActionPlan.Status.ACTIVE and current.status != plan.status):
            plans[plan.region_id] = plan
    latest_month = Snapshot.objects.published().filter(region=OuterRef("region")).order_by("-month").values("month")[:1]
    snapshots = {
        snapshot.region_id: snapshot for snapshot in Snapshot.objects.published().filter(month=Subquery(latest_month))
    }
    summary = []
    for region in regions:
        snapshot = snapshots.get(region.pk)
        if snapshot is not None:
            snapshot.region = region
        summary.append(PublicRegion(region, plans.get(region.pk), snapshot))
    return summary
