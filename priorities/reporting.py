"""The reporting calendar (shared/DESIGN.md, "Time: the reporting calendar"), in one place.

- Quarter Q's updates are due `region.update_due_days` days after Q ends.
- The *last due quarter* on a day D is the latest quarter whose due date is before D: on the due
  day itself updates are still being collected, and overdue starts the day after. Every headline
  (dashboard, national view, public plan, snapshot, annual report) reports it.
- The quarter after it is *being collected*: shown as "n of m submitted, due <date>", never as a
  headline.
- What an objective owes is `KeyObjective.objects.owing(quarter)`; *overdue* is owed for the last
  due quarter and not submitted.

Pages, reminders and the digest ask `reporting_calendar`; none computes its own quarter.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, QuerySet

from programmes.models import ActionPlan, Region
from sli_portal.core.quarters import Quarter

from .models import KeyObjective, QuarterlyUpdate


def update_due_date(region: Region, quarter: Quarter) -> datetime.date:
    """Updates for a quarter are due `region.update_due_days` days after it ends."""
    return quarter.end_date + datetime.timedelta(days=region.update_due_days)


def last_due_quarter(region: Region, today: datetime.date) -> Quarter:
    """The latest quarter whose updates were due before `today`."""
    quarter = Quarter.from_date(today).previous()
    while update_due_date(region, quarter) >= today:
        quarter = quarter.previous()
    return quarter


def owed_quarters(objective: KeyObjective, quarters: list[Quarter]) -> set[Quarter]:
    """Which of `quarters` the objective owes an update for; one query, asking
    `KeyObjective.objects.owing` about each quarter."""
    if not quarters or objective.pk is None:
        return set()
    flags = {
        f"owes_{quarter.code}": Exists(KeyObjective.objects.owing(quarter).filter(pk=OuterRef("pk")))
        for quarter in quarters
    }
    row = KeyObjective.objects.filter(pk=objective.pk).annotate(**flags).values(*flags).first() or {}
    return {quarter for quarter in quarters if row.get(f"owes_{quarter.code}")}


def check_owes(objective: KeyObjective, quarter: Quarter) -> None:
    """Refuse an update the objective does not owe (shared/DESIGN.md): nothing accepts one."""
    if not KeyObjective.objects.owing(quarter).filter(pk=objective.pk).exists():
        if not objective.is_signed_off:
            reason = "the network has not signed it off yet"
        else:
            reason = "it was signed off after that quarter, the quarter is outside its plan, or it is complete"
        raise ValidationError(f"Key Objective {objective.number} owes no update for {quarter}: {reason}")


def _owing_marked(quarter: Quarter) -> QuerySet[KeyObjective]:
    """The objectives owing `quarter`, each marked `has_submitted` (a draft does not count) and
    `has_draft` (an update started, whom to chase differently)."""
    updates = QuarterlyUpdate.objects.filter(key_objective=OuterRef("pk"), quarter=quarter)
    return KeyObjective.objects.owing(quarter).annotate(
        has_submitted=Exists(updates.filter(submitted_at__isnull=False)),
        has_draft=Exists(updates.filter(submitted_at__isnull=True)),
    )


def _with_leads(objectives: QuerySet[KeyObjective]) -> QuerySet[KeyObjective]:
    return objectives.select_related("priority_area", "priority_area__lead", "priority_area__deputy_lead").order_by(
        "number"
    )


def missing_updates(plan: ActionPlan, quarter: Quarter) -> QuerySet[KeyObjective]:
    """The plan's objectives that owe an update for `quarter` and have none submitted (a draft
    counts as missing), with their priority area and its leads."""
    return _with_leads(_owing_marked(quarter).filter(plan=plan, has_submitted=False))


@dataclass
class QuarterProgress:
    """One quarter of one plan: what is owed, what is in, and when it is due."""

    quarter: Quarter
    due: datetime.date
    owed: int = 0
    missing: list[KeyObjective] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        return self.owed - len(self.missing)

    @property
    def summary(self) -> str:
        """ "2026/27 Q3: 3 of 16 submitted, due 14 January 2027" """
        return f"{self.quarter}: {self.submitted} of {self.owed} submitted, due {self.due.day} {self.due:%B %Y}"


@dataclass
class ReportingCalendar:
    """Where a plan stands on `today`: the last due quarter (the headline, whose missing updates
    are overdue) and the quarter being collected after it. Either is None outside the plan."""

    plan: ActionPlan
    today: datetime.date
    last_due: QuarterProgress | None
    collecting: QuarterProgress | None

    @property
    def overdue(self) -> list[KeyObjective]:
        return self.last_due.missing if self.last_due else []

    @property
    def headline_quarter(self) -> Quarter | None:
        return self.last_due.quarter if self.last_due else None


def _progress(plan: ActionPlan, quarter: Quarter) -> QuarterProgress | None:
    """One query: every objective owing `quarter`, each marked whether it has submitted."""
    if quarter not in plan.quarters:
        return None
    owing = list(_with_leads(_owing_marked(quarter).filter(plan=plan)))
    return QuarterProgress(
        quarter=quarter,
        due=update_due_date(plan.region, quarter),
        owed=len(owing),
        missing=[objective for objective in owing if not objective.has_submitted],
    )


def reporting_calendar(plan: ActionPlan, *, today: datetime.date) -> ReportingCalendar:
    """The plan's last due quarter and the quarter being collected, on `today`; two queries."""
    last_due = last_due_quarter(plan.region, today)
    return ReportingCalendar(
        plan=plan, today=today, last_due=_progress(plan, last_due), collecting=_progress(plan, last_due.next())
    )


def overdue_counts(plans: list[ActionPlan], *, today: datetime.date) -> dict[int, int]:
    """Plan id → how many of its objectives are overdue on `today`, for many plans at once:
    one query for each distinct last due quarter among their regions (usually one)."""
    by_quarter: dict[Quarter, list[ActionPlan]] = {}
    for plan in plans:
        quarter = last_due_quarter(plan.region, today)
        if quarter in plan.quarters:
            by_quarter.setdefault(quarter, []).append(plan)
    counts: dict[int, int] = {}
    for quarter, group in by_quarter.items():
        rows = (
            _owing_marked(quarter)
            .filter(plan__in=[plan.pk for plan in group], has_submitted=False)
            .values_list("plan_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts.update(dict(rows))
    return counts
