"""Each role's own work, on top of the dashboard they land on (the GOV.UK task-list pattern).

A task names what needs doing, links to where it is done and says its state in words. The
coordinator chases updates, sign-offs, the month's snapshot, meetings and late peer-challenge
milestones; the SLI lead records sign-offs and plan approvals; the publisher publishes what is
rendered. Each list is read with a fixed number of queries, on top of the dashboard's own data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from peer_challenges.services import late_challenges
from priorities.models import QuarterlyMeeting
from programmes.access import RegionAccess
from programmes.models import ActionPlan
from snapshots.models import Snapshot

from .dashboard import RegionDashboard

TO_DO = "govuk-tag--blue"
IN_PROGRESS = "govuk-tag--light-blue"
LATE = "govuk-tag--red"
DONE = ""  # a finished task's status is plain text, as the task-list pattern has it


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    status: str
    tag_class: str = TO_DO
    hint: str = ""

    @property
    def is_done(self) -> bool:
        return self.tag_class == DONE


def landing_tasks(dashboard: RegionDashboard, access: RegionAccess) -> list[Task]:
    """The tasks of everyone with `access` in the dashboard's region (coordinator, SLI lead,
    publisher); none for a member or a national viewer, whose dashboard is for reading."""
    tasks: list[Task] = []
    if access.can_coordinate:
        tasks += _chase_updates(dashboard)
    if access.can_sign_off:
        tasks += _sign_offs(dashboard)
    if access.can_approve_plans:
        tasks += _plan_approvals(dashboard)
    if access.can_coordinate:
        tasks += _month_snapshot(dashboard)
        tasks += _meetings(dashboard)
        tasks += _late_peer_challenges(dashboard)
    if access.can_publish:
        tasks += _publishing(dashboard)
    return tasks


def _chase_updates(dashboard: RegionDashboard) -> list[Task]:
    if dashboard.reporting_quarter is None:
        return []
    slug, quarter = dashboard.region.slug, dashboard.reporting_quarter
    url = reverse("dashboard", args=[slug]) + "#quarterly-updates"
    missing = dashboard.missing_updates
    if not missing:
        return [Task(f"Collect the {quarter} updates", url, "Done", DONE, "Every update owed is in")]
    drafts = sum(1 for objective in missing if objective.has_draft)
    hint = f"Due on {dashboard.updates_due_on:%-d %B %Y}"
    if drafts:
        hint += f"; {drafts} started as a draft"
    count = len(missing)
    return [Task(f"Chase {count} overdue {quarter} update{'s' if count != 1 else ''}", url, "Overdue", LATE, hint)]


def _sign_offs(dashboard: RegionDashboard) -> list[Task]:
    waiting = dashboard.awaiting_sign_off
    if not waiting:
        return []
    url = reverse("dashboard", args=[dashboard.region.slug]) + "#awaiting-sign-off"
    count = len(waiting)
    title = f"Record the network’s sign-off of {count} key objective{'s' if count != 1 else ''}"
    return [Task(title, url, "To do", TO_DO, "Proposed, or changed since the network agreed them")]


def _plan_approvals(dashboard: RegionDashboard) -> list[Task]:
    drafts = ActionPlan.objects.filter(region=dashboard.region, status=ActionPlan.Status.DRAFT).order_by("start_date")
    return [
        Task(
            f"Record the network’s approval of “{plan.title}”",
            reverse("plan_detail", args=[dashboard.region.slug, plan.pk]),
            "Draft",
            TO_DO,
            f"From {plan.start_date:%-d %B %Y}",
        )
        for plan in drafts
    ]


SNAPSHOT_STEPS = {
    Snapshot.State.DRAFT: ("Write and render", TO_DO),
    Snapshot.State.RENDERING: ("Rendering", IN_PROGRESS),
    Snapshot.State.FAILED: ("Render failed", LATE),
    Snapshot.State.READY: ("Ready to publish", IN_PROGRESS),
    Snapshot.State.PUBLISHED: ("Published", DONE),
    Snapshot.State.WITHDRAWN: ("Withdrawn", LATE),
}


def _month_snapshot(dashboard: RegionDashboard) -> list[Task]:
    month = dashboard.today.replace(day=1)
    snapshot = Snapshot.objects.filter(region=dashboard.region, month=month).select_related("region").first()
    title = f"The {month:%B %Y} snapshot"
    if snapshot is None:
        url = reverse("snapshot_list", args=[dashboard.region.slug])
        return [Task(title, url, "Not started", TO_DO, "Start this month’s snapshot")]
    status, tag_class = SNAPSHOT_STEPS[snapshot.state]
    return [Task(title, snapshot.get_workspace_url(), status, tag_class)]


def _meetings(dashboard: RegionDashboard) -> list[Task]:
    """Each priority area's meeting reviewing the last due quarter: to schedule, or to record
    once held."""
    plan, quarter = dashboard.plan, dashboard.reporting_quarter
    if plan is None or quarter is None:
        return []
    slug = dashboard.region.slug
    meetings = {
        meeting.priority_area_id: meeting
        for meeting in QuarterlyMeeting.objects.filter(priority_area__plan=plan, quarter=quarter)
    }
    now = timezone.now()
    tasks = []
    for row in dashboard.matrix:
        area = row.priority_area
        meeting = meetings.get(area.pk)
        title = f"Priority {area.number}: the {quarter} meeting"
        if meeting is None:
            url = reverse("meeting_create", args=[slug]) + f"?priority_area={area.pk}"
            tasks.append(Task(title, url, "Not scheduled", TO_DO))
        elif meeting.starts_at > now:
            when = f"On {timezone.localtime(meeting.starts_at):%-d %B %Y}: the pack is ready to share"
            tasks.append(Task(title, reverse("meeting_detail", args=[slug, meeting.pk]), "Scheduled", DONE, when))
        elif not (meeting.notes or meeting.decisions):
            url = reverse("meeting_detail", args=[slug, meeting.pk])
            tasks.append(Task(title, url, "Record notes", TO_DO, "Held: record its notes, decisions and actions"))
        else:
            tasks.append(Task(title, reverse("meeting_detail", args=[slug, meeting.pk]), "Recorded", DONE))
    return tasks


def _late_peer_challenges(dashboard: RegionDashboard) -> list[Task]:
    late = late_challenges(dashboard.region, today=dashboard.today, timetable=dashboard.peer_challenge_settings)
    if not late:
        return []
    count = len(late)
    url = reverse("peer_challenge_schedule", args=[dashboard.region.slug])
    title = f"Follow up {count} peer challenge{'s' if count != 1 else ''} with a milestone running late"
    hint = ", ".join(str(item.challenge.local_authority) for item in late[:3]) + ("…" if count > 3 else "")
    return [Task(title, url, "Late", LATE, hint)]


def _publishing(dashboard: RegionDashboard) -> list[Task]:
    waiting = Snapshot.objects.filter(
        region=dashboard.region, state__in=[Snapshot.State.READY, Snapshot.State.FAILED]
    ).select_related("region")
    tasks = []
    for snapshot in waiting.order_by("-month"):
        if snapshot.state == Snapshot.State.READY:
            tasks.append(Task(f"Publish the {snapshot.month:%B %Y} snapshot", snapshot.get_workspace_url(), "Ready"))
        else:
            url = snapshot.get_workspace_url()
            tasks.append(Task(f"Render the {snapshot.month:%B %Y} snapshot again", url, "Render failed", LATE))
    if not tasks:
        url = reverse("snapshot_list", args=[dashboard.region.slug])
        tasks.append(Task("Publish the snapshots", url, "Nothing to publish", DONE, "No snapshot is ready yet"))
    return tasks
