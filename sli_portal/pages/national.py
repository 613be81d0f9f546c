"""What the national SLI board reads: the reports regions submit and what they publish.

Sector-led improvement is not inspection (shared/DESIGN.md): `national_overview` is built only
from submitted annual reports and public data — each region's published plan with its last due
quarter's RAG ratings as submitted (where the region shows them publicly), its latest published
snapshot — never overdue counts, drafts or evidence, and regions are listed by name, never
ranked. A region that shares its workspace with the board is linked to its dashboard.

`public_summary` is what anyone may read of every region: its published plan and latest snapshot.
A fixed number of queries whatever the number of regions (sli_portal/tests/test_national.py).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from annual_reports.models import AnnualReport
from annual_reports.selectors import latest_sent_reports
from priorities.models import PriorityArea
from priorities.reporting import last_due_quarter
from priorities.selectors import rag_matrix
from programmes.models import ActionPlan, Region
from sli_portal.core.quarters import Quarter
from snapshots.models import Snapshot

from .dashboard import RAG_ORDER, MatrixCell, MatrixRow, RagCount

# The national view shows the year up to the last due quarter: it and the three before it.
QUARTERS_SHOWN = 4


def board_sees_rag(region: Region) -> bool:
    """The board reads a region's RAG ratings where anyone may (the public plan shows them), or
    where the region shares its workspace with it."""
    return region.show_rag_publicly or region.share_workspace_with_national_board


@dataclass
class RegionRollUp:
    region: Region
    plan: ActionPlan | None = None
    # The region's public RAG ratings by priority area and quarter (empty when it hides them).
    matrix: list[MatrixRow] = field(default_factory=list)
    totals: list[MatrixCell] = field(default_factory=list)
    # The region's headline: its last due quarter (priorities.reporting), as submitted.
    reporting_quarter: Quarter | None = None
    # The latest version sent of each year's annual report, newest year first.
    reports: list[AnnualReport] = field(default_factory=list)
    latest_snapshot: Snapshot | None = None

    @property
    def shows_rag(self) -> bool:
        return board_sees_rag(self.region)

    @property
    def latest_total(self) -> MatrixCell | None:
        """The RAG counts of the last due quarter: never a quarter still being collected."""
        return next((cell for cell in self.totals if cell.quarter == self.reporting_quarter), None)

    @property
    def awaiting_acknowledgement(self) -> list[AnnualReport]:
        return [report for report in self.reports if report.state == AnnualReport.State.SUBMITTED]


@dataclass
class NationalOverview:
    today: datetime.date
    quarters: list[Quarter]
    regions: list[RegionRollUp]

    @property
    def awaiting_acknowledgement(self) -> int:
        return sum(len(r.awaiting_acknowledgement) for r in self.regions)


def _cells(quarters: list[Quarter], by_quarter: dict[Quarter, Counter]) -> list[MatrixCell]:
    cells = []
    for quarter in quarters:
        counter = by_quarter.get(quarter, Counter())
        cells.append(MatrixCell(quarter, [RagCount(rag, counter[rag]) for rag in RAG_ORDER if counter[rag]]))
    return cells


def _latest_snapshots(regions: list[Region]) -> dict[int, Snapshot]:
    """Region id → its latest published snapshot; one query."""
    by_pk = {region.pk: region for region in regions}
    latest_month = Snapshot.objects.published().filter(region=OuterRef("region")).order_by("-month").values("month")[:1]
    snapshots = {}
    for snapshot in Snapshot.objects.published().filter(region__in=regions, month=Subquery(latest_month)):
        snapshot.region = by_pk[snapshot.region_id]
        snapshots[snapshot.region_id] = snapshot
    return snapshots


def national_overview(*, today: datetime.date | None = None) -> NationalOverview:
    """Every region by name with its submitted reports, published plan and snapshot, and its
    public RAG ratings up to its last due quarter; six queries whatever the number of regions."""

    today = today or timezone.localdate()
    regions = list(Region.objects.order_by("name"))
    last_due = {region.pk: last_due_quarter(region, today) for region in regions}
    # Columns end at the latest last due quarter among the regions (one unless their due days differ).
    quarters = [max(last_due.values())] if last_due else []
    while quarters and len(quarters) < QUARTERS_SHOWN:
        quarters.insert(0, quarters[0].previous())

    by_pk = {region.pk: region for region in regions}
    plans = {
        plan.region_id: plan for plan in ActionPlan.objects.filter(status=ActionPlan.Status.ACTIVE, region__in=regions)
    }
    for plan in plans.values():
        plan.region = by_pk[plan.region_id]
    shown = [plan for plan in plans.values() if board_sees_rag(plan.region)]
    areas: dict[int, list] = defaultdict(list)
    for area in PriorityArea.objects.filter(plan__in=list(plans.values())).order_by("plan_id", "number"):
        areas[area.plan_id].append(area)
    rag = rag_matrix(shown, quarters)
    reports = latest_sent_reports(regions)
    snapshots = _latest_snapshots(regions)

    rollups = []
    for region in regions:
        rollup = RegionRollUp(
            region, plans.get(region.pk), reports=reports.get(region.pk, []), latest_snapshot=snapshots.get(region.pk)
        )
        plan = rollup.plan
        if plan is not None:
            headline = last_due[region.pk]
            if headline in plan.quarters:
                rollup.reporting_quarter = headline
            if rollup.shows_rag:
                # Quarters after the region's last due quarter are still being collected: the
                # board reads the position at the last due quarter, never one early update.
                region_totals: dict[Quarter, Counter] = defaultdict(Counter)
                for area in areas[plan.pk]:
                    by_quarter = {q: c for q, c in rag.get(area.pk, {}).items() if q <= headline}
                    rollup.matrix.append(MatrixRow(area, _cells(quarters, by_quarter)))
                    for quarter, counter in by_quarter.items():
                        region_totals[quarter].update(counter)
                rollup.totals = _cells(quarters, region_totals)
        rollups.append(rollup)
    return NationalOverview(today, quarters, rollups)


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
    snapshots = _latest_snapshots(regions)
    summary = []
    for region in regions:
        summary.append(PublicRegion(region, plans.get(region.pk), snapshots.get(region.pk)))
    return summary
