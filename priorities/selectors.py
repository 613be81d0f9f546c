"""Reads that pages, exports and reminders share, with their joins already applied.

Other apps (the programmes dashboard, snapshots) reach priorities through these functions.
Each says how many queries it issues; tests hold them to it.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from programmes.models import ActionPlan, Region
from sli_portal.core.quarters import Quarter

from .leadership import areas_still_written_by
from .models import (
    Evidence,
    KeyObjective,
    MeetingAction,
    PriorityArea,
    Project,
    QuarterlyMeeting,
    QuarterlyUpdate,
)

# --- Updates -------------------------------------------------------------------------------


def latest_submitted_updates(plan: ActionPlan, *, up_to: Quarter | None = None) -> dict[int, QuarterlyUpdate]:
    """Key objective id → its latest submitted update (by quarter), of `up_to` or before when
    given; one query."""
    updates = (
        QuarterlyUpdate.objects.submitted()
        .filter(key_objective__plan=plan)
        .select_related("author")
        .order_by("key_objective_id", "quarter")
    )
    if up_to is not None:
        updates = updates.filter(quarter__lte=up_to.code)
    # Ascending order, so the last write for each objective is its latest quarter.
    return {update.key_objective_id: update for update in updates}


def rag_matrix(plans: ActionPlan | list[ActionPlan], quarters: list[Quarter]) -> dict[int, dict[Quarter, Counter]]:
    """Priority area id → quarter → Counter of the RAG statuses of submitted updates of
    signed-off objectives (a headline never counts a proposal), for one plan or several (the
    national view); one query.

    An objective marked Complete owes no later update, yet stays complete: in a later quarter
    without an update of its own it counts as Complete, so finishing work never shrinks a
    headline. Every priority area with something to count in `quarters` has an entry, and every
    requested quarter is present under it (an empty Counter when nothing was submitted).
    """
    plans = [plans] if isinstance(plans, ActionPlan) else plans
    if not quarters:
        return {}
    complete = QuarterlyUpdate.Rag.COMPLETE
    rows = (
        QuarterlyUpdate.objects.submitted()
        .of_signed_off_objectives()
        .filter(key_objective__plan__in=[plan.pk for plan in plans])
        .filter(Q(quarter__in=[q.code for q in quarters]) | Q(rag_status=complete, quarter__lt=max(quarters).code))
        .values_list("key_objective_id", "key_objective__priority_area_id", "quarter", "rag_status")
        .order_by()
    )
    by_objective: dict[int, tuple[int, dict[Quarter, str]]] = {}
    for objective_id, priority_area_id, quarter, rag_status in rows:
        by_objective.setdefault(objective_id, (priority_area_id, {}))[1][quarter] = rag_status
    matrix: dict[int, dict[Quarter, Counter]] = defaultdict(lambda: {quarter: Counter() for quarter in quarters})
    for priority_area_id, statuses in by_objective.values():
        completed_in = min((q for q, rag in statuses.items() if rag == complete), default=None)
        for quarter in quarters:
            if quarter in statuses:
                matrix[priority_area_id][quarter][statuses[quarter]] += 1
            elif completed_in is not None and completed_in < quarter:
                matrix[priority_area_id][quarter][complete] += 1
    return dict(matrix)


def quarter_highlights(plan: ActionPlan, quarter: Quarter) -> QuerySet[QuarterlyUpdate]:
    """Submitted updates of `quarter` that report achievements, of signed-off objectives only
    (the snapshots make them public), in objective order."""
    return (
        QuarterlyUpdate.objects.submitted()
        .of_signed_off_objectives()
        .filter(key_objective__plan=plan, quarter=quarter)
        .exclude(achievements="")
        .select_related("key_objective", "key_objective__priority_area", "author")
        .order_by("key_objective__number")
    )


def objective_updates(objective: KeyObjective) -> QuerySet[QuarterlyUpdate]:
    """The updates of one objective, newest quarter first, with their evidence."""
    return (
        objective.updates.select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("added_at")))
        .order_by("-quarter")
    )


# --- Priority areas and objectives ---------------------------------------------------------


def priority_areas_led_by(user, plan: ActionPlan | None = None) -> QuerySet[PriorityArea]:
    """Priority areas `user` leads or deputises (in active plans when `plan` is None)."""
    if not user.is_authenticated:
        return PriorityArea.objects.none()
    # After a handover, the previous holder keeps the area until the updates they were
    # collecting are due (priorities.leadership).
    handed_over = PriorityArea.objects.filter(areas_still_written_by(user, timezone.localdate())).values("pk")
    areas = PriorityArea.objects.filter(Q(lead=user) | Q(deputy_lead=user) | Q(pk__in=handed_over))
    areas = areas.filter(plan__status=ActionPlan.Status.ACTIVE) if plan is None else areas.filter(plan=plan)
    return areas.select_related("plan", "plan__region", "lead", "deputy_lead").order_by("plan_id", "number")


def plan_priority_areas(plan: ActionPlan) -> QuerySet[PriorityArea]:
    """The plan's priority areas with leads and objectives (in number order); two queries."""
    return (
        PriorityArea.objects.filter(plan=plan)
        .select_related("lead", "deputy_lead")
        .prefetch_related(
            Prefetch(
                "key_objectives",
                queryset=KeyObjective.objects.select_related("signed_off_by").order_by("number"),
            )
        )
        .order_by("number")
    )


def plan_overview(plan: ActionPlan) -> list:
    """The plan's priority areas, each objective carrying its latest submitted update as
    `latest_update` (None without one); four queries whatever the size of the plan."""
    areas = list(plan_priority_areas(plan))
    latest = latest_submitted_updates(plan)
    for area in areas:
        for objective in area.key_objectives.all():
            objective.latest_update = latest.get(objective.pk)
    return areas


@dataclass
class PackItem:
    objective: KeyObjective
    update: QuarterlyUpdate | None  # the submitted update; None when it is missing


@dataclass
class MeetingPack:
    """What a quarterly meeting reviews: every objective of its priority area that owed an
    update for the meeting's quarter, with the update or marked missing, and the actions of the
    area's earlier meetings still open."""

    meeting: QuarterlyMeeting
    items: list[PackItem]
    carried_actions: list[MeetingAction]

    @property
    def missing(self) -> int:
        return sum(1 for item in self.items if item.update is None)


def meeting_pack(meeting: QuarterlyMeeting) -> MeetingPack:
    """Three queries: the owed objectives, their submitted updates with evidence, the open
    actions of earlier meetings."""
    objectives = list(
        KeyObjective.objects.owing(meeting.quarter).filter(priority_area=meeting.priority_area).order_by("number")
    )
    updates = {
        update.key_objective_id: update
        for update in QuarterlyUpdate.objects.submitted()
        .filter(key_objective__in=objectives, quarter=meeting.quarter)
        .select_related("author")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("added_at")))
    }
    carried = list(
        MeetingAction.objects.filter(
            meeting__priority_area=meeting.priority_area,
            meeting__starts_at__lt=meeting.starts_at,
            done_at__isnull=True,
        )
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
    return MeetingPack(meeting, [PackItem(o, updates.get(o.pk)) for o in objectives], carried)


def awaiting_sign_off(plan: ActionPlan) -> QuerySet[KeyObjective]:
    """The plan's objectives waiting for the network's decision: proposed ones, and signed-off
    ones changed since; one query."""
    return (
        KeyObjective.objects.awaiting_sign_off()
        .filter(plan=plan)
        .select_related("priority_area", "priority_area__lead")
        .order_by("number")
    )


def public_priority_areas(plan: ActionPlan) -> QuerySet[PriorityArea]:
    """The plan's priority areas with only their signed-off objectives, in `public_objectives`:
    what every public output shows of a plan."""
    return (
        PriorityArea.objects.filter(plan=plan)
        .select_related("lead", "deputy_lead")
        .prefetch_related(
            Prefetch(
                "key_objectives",
                queryset=KeyObjective.objects.signed_off().order_by("number"),
                to_attr="public_objectives",
            )
        )
        .order_by("number")
    )


def active_plan(region: Region) -> ActionPlan | None:
    plan = ActionPlan.objects.filter(region=region, status=ActionPlan.Status.ACTIVE).first()
    if plan is not None:
        plan.region = region  # its due dates read the region's settings: no second query
    return plan


def plan_reporting(region: Region, quarter: Quarter) -> ActionPlan | None:
    """The plan a report of `quarter` is about: the region's active or closed plan running at
    the quarter's end (the active one first), else its active plan. A snapshot of May 2024
    reports the plan that ran to March 2024, not the one agreed since; one query."""
    running = Q(start_date__lte=quarter.end_date, end_date__gte=quarter.end_date)
    plans = ActionPlan.objects.filter(
        Q(status=ActionPlan.Status.ACTIVE) | Q(running, status=ActionPlan.Status.CLOSED), region=region
    )
    # Running and active, then running and closed (the latest), then active but not yet running.
    candidates = sorted(
        plans,
        key=lambda plan: (
            not (plan.start_date <= quarter.end_date <= plan.end_date),
            plan.status != ActionPlan.Status.ACTIVE,
            -plan.start_date.toordinal(),
        ),
    )
    plan = candidates[0] if candidates else None
    if plan is not None:
        plan.region = region
    return plan


# --- Meetings ------------------------------------------------------------------------------


def overdue_meeting_actions(
    region: Region, today: datetime.date, *, plan: ActionPlan | None = None
) -> QuerySet[MeetingAction]:
    """Open actions of the region's meetings (of `plan` only, when given) whose due date has
    passed, oldest first."""
    actions = MeetingAction.objects.filter(
        meeting__priority_area__plan__region=region, done_at__isnull=True, due_date__lt=today
    )
    if plan is not None:
        actions = actions.filter(meeting__priority_area__plan=plan)
    return actions.select_related("owner", "meeting", "meeting__priority_area").order_by("due_date", "pk")


def upcoming_meetings(region: Region, today: datetime.date, limit: int = 5) -> QuerySet[QuarterlyMeeting]:
    """The next quarterly meetings of the region from `today` on, soonest first."""
    start = datetime.datetime.combine(today, datetime.time.min, tzinfo=timezone.get_current_timezone())
    return (
        QuarterlyMeeting.objects.filter(priority_area__plan__region=region, starts_at__gte=start)
        .select_related("priority_area", "priority_area__plan")
        .order_by("starts_at")[:limit]
    )


def region_meetings(region: Region) -> QuerySet[QuarterlyMeeting]:
    """Every meeting of the region, newest first, with its priority area and open actions count."""
    return (
        QuarterlyMeeting.objects.filter(priority_area__plan__region=region)
        .select_related("priority_area", "priority_area__plan")
        .order_by("-starts_at")
    )


# --- Projects ------------------------------------------------------------------------------


def badged_projects(region: Region, *, public: bool = False) -> QuerySet[Project]:
    """The region's SLI-badged projects with their councils and key objectives; three queries.

    `public` links only the signed-off objectives, for pages anyone may read.
    """
    objectives = KeyObjective.objects.signed_off() if public else KeyObjective.objects.all()
    return (
        Project.objects.filter(region=region)
        .prefetch_related(
            "councils",
            Prefetch("key_objectives", queryset=objectives.order_by("number")),
        )
        .order_by("-badged_on", "title")
    )


# --- The task list of updates ---------------------------------------------------------------


@dataclass
class UpdateTask:
    """One key objective's update for a quarter, as a task-list row. `owes` is False for an
    objective that owes nothing for the quarter (proposed, signed off after it, or complete):
    the list names it but asks for no update."""

    objective: KeyObjective
    update: QuarterlyUpdate | None
    owes: bool = True

    @property
    def status(self) -> str:
        if self.update is None:
            return "not_started"
        return "submitted" if self.update.is_submitted else "draft"


@dataclass
class PriorityTasks:
    priority_area: PriorityArea
    tasks: list[UpdateTask] = field(default_factory=list)


def overdue_tasks(last_due, priority_areas: list[PriorityArea]) -> list[UpdateTask]:
    """The overdue updates (`last_due` is the calendar's QuarterProgress) of these priority
    areas, each with its draft when one is saved; one query."""
    area_ids = {area.pk for area in priority_areas}
    overdue = [objective for objective in last_due.missing if objective.priority_area_id in area_ids]
    drafts = {
        update.key_objective_id: update
        for update in QuarterlyUpdate.objects.filter(key_objective__in=overdue, quarter=last_due.quarter)
    }
    return [UpdateTask(objective, drafts.get(objective.pk)) for objective in overdue]


def update_tasks(priority_areas: QuerySet[PriorityArea], quarter: Quarter | None) -> list[PriorityTasks]:
    """Each priority area with its objectives and their update for `quarter`; four queries
    (areas with their leads, their objectives, the quarter's updates, which objectives owe it).
    Without a quarter (none is being collected) the objectives are listed and nothing is owed."""
    areas = list(
        priority_areas.select_related("lead", "deputy_lead")
        .prefetch_related(None)
        .prefetch_related(Prefetch("key_objectives", queryset=KeyObjective.objects.order_by("number")))
    )
    updates, owing = {}, set()
    if quarter is not None:
        area_ids = [a.pk for a in areas]
        updates = {
            update.key_objective_id: update
            for update in QuarterlyUpdate.objects.filter(key_objective__priority_area__in=area_ids, quarter=quarter)
        }
        owing = set(KeyObjective.objects.owing(quarter).filter(priority_area__in=area_ids).values_list("pk", flat=True))
    return [
        PriorityTasks(
            area,
            [
                UpdateTask(objective, updates.get(objective.pk), owes=objective.pk in owing)
                for objective in area.key_objectives.all()
            ],
        )
        for area in areas
    ]
