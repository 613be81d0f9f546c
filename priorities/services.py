"""Rules across records: who may write what, numbering, quarterly updates with their version
check, evidence, meetings and projects, and building a plan's priority areas and objectives
(copying a plan, importing one). Views call one of these and redirect."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from programmes import services as programme_services
from programmes.access import RegionAccess, region_access
from programmes.models import ActionPlan, Membership, Region
from sli_portal.core.quarters import Quarter

from . import leadership
from .models import Evidence, KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate
from .reporting import check_owes, last_due_quarter

UPDATE_FIELDS = ["rag_status", "progress", "achievements", "risks_and_issues", "next_steps"]


# --- Who may write -------------------------------------------------------------------------


def can_write_updates(*, user, access: RegionAccess, priority_area: PriorityArea) -> bool:
    """The coordinator, or the DPH lead or deputy of the priority area who still reads the
    region; after a handover, the previous holder too until the updates they were collecting
    are due (priorities.leadership)."""
    if access.can_coordinate:
        return True
    if not access.can_read:
        return False
    return priority_area.is_led_by(user) or leadership.may_still_write(priority_area, user, timezone.localdate())


def check_can_write_updates(*, user, priority_area: PriorityArea) -> None:
    """Refuse (PermissionDenied) anyone who may not write the priority area's updates: the
    services ask it themselves, whatever page or job calls them."""
    access = region_access(user, priority_area.plan.region)
    if not can_write_updates(user=user, access=access, priority_area=priority_area):
        raise PermissionDenied


def can_read_update(*, user, access: RegionAccess, update: QuarterlyUpdate) -> bool:
    """Whoever reads the region reads a submitted update; a draft is its writers' work in
    progress (the priority's lead and deputy, the coordinator): the one place this is decided."""
    if not access.can_read:
        return False
    return update.is_submitted or can_write_updates(
        user=user, access=access, priority_area=update.key_objective.priority_area
    )


def can_propose_objective(*, user, access: RegionAccess, priority_area: PriorityArea) -> bool:
    return can_write_updates(user=user, access=access, priority_area=priority_area)


def can_edit_objective(*, user, access: RegionAccess, objective: KeyObjective) -> bool:
    """The coordinator always; the priority's lead only while the network has not signed it off."""
    if access.can_coordinate:
        return True
    return not objective.is_signed_off and can_write_updates(
        user=user, access=access, priority_area=objective.priority_area
    )


def can_tick_action(*, user, access: RegionAccess, action: MeetingAction) -> bool:
    """The coordinator, the action's owner, or the lead or deputy of the meeting's priority."""
    if access.can_coordinate:
        return True
    if not access.can_read:
        return False
    return action.owner_id == user.pk or action.meeting.priority_area.is_led_by(user)


def region_members(region):
    """Users with a role in the region, for lead, attendee and owner choices."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(memberships__region=region, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- Priority areas and key objectives -----------------------------------------------------


def save_priority_area(*, priority_area: PriorityArea) -> PriorityArea:
    priority_area.plan.check_editable()
    region = priority_area.plan.region
    members = Membership.objects.filter(region=region)
    for field, person in (("lead", priority_area.lead), ("deputy_lead", priority_area.deputy_lead)):
        if person is not None and not members.filter(user=person).exists():
            raise ValidationError({field: "Select a member of the region's network"})
    priority_area.full_clean()
    priority_area.save()
    return priority_area


def next_objective_number(plan: ActionPlan) -> int:
    return (KeyObjective.objects.filter(plan=plan).aggregate(top=Max("number"))["top"] or 0) + 1


def save_objective(*, objective: KeyObjective) -> KeyObjective:
    """Create or edit a key objective; a new one without a number takes the next free one."""
    objective.priority_area.plan.check_editable()
    with transaction.atomic():
        if not objective.number:
            objective.number = next_objective_number(objective.priority_area.plan)
        objective.full_clean()
        try:
            with transaction.atomic():
                objective.save()
        except IntegrityError:
            # Two people took the same number at the same moment.
            raise ValidationError(
                {"number": f"Key Objective {objective.number} already exists in this plan: enter another number"}
            ) from None
    return objective


def sign_off_objective(
    *, objective: KeyObjective, by, access: RegionAccess, decided_on=None, forum: str = "", note: str = ""
) -> KeyObjective:
    """Record the network's decision on the objective (or on the changes made since)."""
    if not access.can_sign_off:
        raise PermissionDenied
    objective.plan.check_editable()
    objective.sign_off(by=by, decided_on=decided_on, forum=forum.strip(), note=note.strip())
    return objective


def _apply_numbers(objectives: list[KeyObjective], numbers: dict[int, int]) -> None:
    """Give each objective its new number without breaking the plan-wide unique constraint on
    the way: first park the moving ones above every number in use, then set the final ones."""
    moving = [o for o in objectives if numbers[o.pk] != o.number]
    if not moving:
        return
    park_from = max(max(o.number for o in objectives), max(numbers.values())) + 1
    for offset, objective in enumerate(moving):
        KeyObjective.objects.filter(pk=objective.pk).update(number=park_from + offset)
    for objective in moving:
        objective.number = numbers[objective.pk]
        # save() keeps the history of the number each objective had.
        objective.save(update_fields=["number"])


def move_objective(*, objective: KeyObjective, number: int) -> None:
    """Give `objective` the number `number`, shifting the objectives in between by one."""
    objective.plan.check_editable()
    if number < 1:
        raise ValidationError({"number": "Enter a number of 1 or more"})
    with transaction.atomic():
        objectives = list(
            KeyObjective.objects.select_for_update()
            .filter(plan_id=objective.plan_id)
            .select_related("priority_area")
            .order_by("number")
        )
        current = next(o for o in objectives if o.pk == objective.pk).number
        numbers = {}
        for other in objectives:
            if other.pk == objective.pk:
                numbers[other.pk] = number
            elif number <= other.number < current:
                numbers[other.pk] = other.number + 1
            elif current < other.number <= number:
                numbers[other.pk] = other.number - 1
            else:
                numbers[other.pk] = other.number
        _apply_numbers(objectives, numbers)


def renumber_in_priority_order(*, plan: ActionPlan) -> None:
    """Number every objective of the plan 1..n, by priority area then current number."""
    plan.check_editable()
    with transaction.atomic():
        objectives = list(
            KeyObjective.objects.select_for_update()
            .filter(plan=plan)
            .select_related("priority_area")
            .order_by("priority_area__number", "number")
        )
        _apply_numbers(objectives, {o.pk: index for index, o in enumerate(objectives, start=1)})


# --- Quarterly updates ---------------------------------------------------------------------


class UpdateConflict(Exception):
    """Someone saved the update after the form was opened; `current` is what they saved."""

    def __init__(self, current: QuarterlyUpdate):
        super().__init__("The update was changed by someone else")
        self.current = current


def writable_quarters(plan: ActionPlan, today) -> list[Quarter]:
    """The plan's quarters that have begun: nobody reports on a quarter that has not started."""
    return [quarter for quarter in plan.quarters if quarter.start_date <= today]


def save_update(
    *,
    objective: KeyObjective,
    quarter: Quarter,
    by,
    version: int,
    values: dict,
    submit: bool,
) -> QuarterlyUpdate:
    """Save the update of `objective` for `quarter` as the person who opened it at `version`.

    `version` 0 means the form was opened before any update existed. The write is a conditional
    UPDATE ... WHERE version = n: if someone saved in between, nothing is written and
    UpdateConflict carries their values. Submitting sets submitted_at once; later edits keep it.
    """
    check_can_write_updates(user=by, priority_area=objective.priority_area)
    objective.plan.check_editable()
    check_owes(objective, quarter)
    if submit and not (values.get("progress") or "").strip():
        raise ValidationError({"progress": "Enter the progress narrative before you submit the update"})
    values = {field: values[field] for field in UPDATE_FIELDS}
    now = timezone.now()
    with transaction.atomic():
        if version == 0:
            update = QuarterlyUpdate(key_objective=objective, quarter=quarter, author=by, **values)
            if submit:
                update.submitted_at = now
            update.full_clean(validate_unique=False, validate_constraints=False)
            try:
                with transaction.atomic():
                    update._history_user = by
                    update.save()
            except IntegrityError:
                raise UpdateConflict(QuarterlyUpdate.objects.get(key_objective=objective, quarter=quarter)) from None
            return update

        existing = QuarterlyUpdate.objects.filter(key_objective=objective, quarter=quarter)
        check = QuarterlyUpdate(key_objective=objective, quarter=quarter, **values)
        check.full_clean(validate_unique=False, validate_constraints=False)
        changes = {**values, "version": F("version") + 1, "updated_at": now, "author": by}
        written = existing.filter(version=version).update(**changes)
        if not written:
            current = existing.select_related("author").first()
            if current is None:
                raise ValidationError("This update no longer exists: reload the page")
            raise UpdateConflict(current)
        if submit:
            existing.filter(submitted_at__isnull=True).update(submitted_at=now)
        update = existing.select_related("author").get()
        # A queryset UPDATE sends no signal: record the history row ourselves, as the editor.
        QuarterlyUpdate.history.bulk_history_create([update], update=True, default_user=by)
        return update


# --- Evidence ------------------------------------------------------------------------------


def add_evidence(*, update: QuarterlyUpdate, by, title: str, link: str = "", file=None) -> Evidence:
    check_can_write_updates(user=by, priority_area=update.key_objective.priority_area)
    update.key_objective.plan.check_editable()
    evidence = Evidence(update=update, title=title, link=link, added_by=by)
    if file is not None:
        evidence.original_name = file.name[:255]
        evidence.file = file
    evidence.full_clean()
    evidence.save()
    return evidence


def delete_evidence(*, evidence: Evidence, by) -> None:
    check_can_write_updates(user=by, priority_area=evidence.update.key_objective.priority_area)
    evidence.update.key_objective.plan.check_editable()
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored:
        # Only once the row is gone for good, so a rolled-back delete keeps its file.
        transaction.on_commit(lambda: storage.delete(stored))


# --- Meetings ------------------------------------------------------------------------------


def next_meeting_quarter(priority_area: PriorityArea, *, today) -> Quarter:
    """The quarter a new meeting of the priority area would review: the last due quarter on
    `today`, or the first after it that has no meeting yet."""
    quarter = last_due_quarter(priority_area.plan.region, today)
    taken = set(QuarterlyMeeting.objects.filter(priority_area=priority_area).values_list("quarter", flat=True))
    while quarter in taken:
        quarter = quarter.next()
    return quarter


def default_meeting_attendees(priority_area: PriorityArea) -> list:
    """Who holds a quarterly SLI meeting: the region's SLI lead and coordinator, and the priority
    area's DPH lead and deputy."""
    people = [
        membership.user
        for membership in Membership.objects.filter(
            region_id=priority_area.plan.region_id,
            role__in=[Membership.Role.SLI_LEAD, Membership.Role.COORDINATOR],
            user__is_active=True,
        ).select_related("user")
    ]
    people += [person for person in (priority_area.lead, priority_area.deputy_lead) if person is not None]
    return list({person.pk: person for person in people}.values())


def save_meeting(*, meeting: QuarterlyMeeting, attendees) -> QuarterlyMeeting:
    if meeting.priority_area_id:
        meeting.priority_area.plan.check_editable()
    clash = QuarterlyMeeting.objects.filter(priority_area=meeting.priority_area, quarter=meeting.quarter).exclude(
        pk=meeting.pk
    )
    if meeting.priority_area_id and meeting.quarter and clash.exists():
        raise ValidationError(
            {"quarter": f"Priority {meeting.priority_area.number} already has a meeting in {meeting.quarter}"}
        )
    meeting.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            meeting.save()
            meeting.attendees.set(attendees)
    except IntegrityError:
        raise ValidationError(
            {"quarter": f"Priority {meeting.priority_area.number} already has a meeting in {meeting.quarter}"}
        ) from None
    return meeting


def add_meeting_action(*, action: MeetingAction) -> MeetingAction:
    action.meeting.priority_area.plan.check_editable()
    if not action.owner_id and not action.owner_name.strip():
        raise ValidationError({"owner": "Select who owns the action, or enter their name"})
    action.full_clean()
    action.save()
    return action


def toggle_action(*, action: MeetingAction, by, access: RegionAccess) -> MeetingAction:
    if not can_tick_action(user=by, access=access, action=action):
        raise PermissionDenied
    action.meeting.priority_area.plan.check_editable()
    action.done_at = None if action.is_done else timezone.now()
    action.save(update_fields=["done_at"])
    return action


# --- Projects ------------------------------------------------------------------------------


@dataclass
class ProjectLinks:
    councils: list
    key_objectives: list


def save_project(*, project: Project, links: ProjectLinks) -> Project:
    if any(council.region_id != project.region_id for council in links.councils):
        raise ValidationError({"councils": "Select councils of the region"})
    if any(objective.plan.region_id != project.region_id for objective in links.key_objectives):
        raise ValidationError({"key_objectives": "Select key objectives of the region's plans"})
    project.full_clean()
    with transaction.atomic():
        project.save()
        project.councils.set(links.councils)
        project.key_objectives.set(links.key_objectives)
    return project


# --- Building a plan's priority areas and objectives: copying a plan, importing one -------------


@transaction.atomic
def copy_plan(*, plan: ActionPlan, title: str, start_date: datetime.date, end_date: datetime.date) -> ActionPlan:
    """A new draft for the next period that builds on `plan`.

    Its priority areas and key objectives are carried over with their numbers and leads; the
    objectives go back to proposed, since the network signs off each plan anew, and their target
    dates are left for the new period. Updates and meetings stay with the old plan.
    """
    new_plan = programme_services.create_plan(
        region=plan.region,
        title=title,
        start_date=start_date,
        end_date=end_date,
        intro=plan.intro,
        builds_on=plan,
    )
    areas = PriorityArea.objects.filter(plan=plan).prefetch_related("key_objectives").order_by("number")
    for area in areas:
        new_area = PriorityArea(
            plan=new_plan,
            number=area.number,
            title=area.title,
            description=area.description,
            # Today's holders (after any handover), interim or not.
            lead_id=area.lead_id,
            deputy_lead_id=area.deputy_lead_id,
            lead_interim=area.lead_interim,
            deputy_interim=area.deputy_interim,
        )
        new_area.full_clean()
        new_area.save()
        for objective in sorted(area.key_objectives.all(), key=lambda o: o.number):
            new_objective = KeyObjective(
                priority_area=new_area,
                number=objective.number,
                title=objective.title,
                description=objective.description,
                sign_off_state=KeyObjective.SignOff.PROPOSED,
            )
            new_objective.full_clean()
            new_objective.save()
    return new_plan


# --- Import --------------------------------------------------------------------------------


@dataclass
class ImportedObjective:
    number: int
    title: str
    description: str = ""
    target_date: datetime.date | None = None


@dataclass
class ImportedPriority:
    """One priority area read from an import file, with the row it was first named on."""

    number: int
    title: str
    row: int
    lead: object | None = None  # a User
    description: str = ""
    objectives: list[ImportedObjective] = dataclass_field(default_factory=list)


@transaction.atomic
def import_plan(
    *,
    region: Region,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    priorities: Iterable[ImportedPriority],
    intro: str = "",
) -> ActionPlan:
    """A new draft plan with the priority areas and objectives read from a file; all or nothing."""
    plan = programme_services.create_plan(
        region=region, title=title, start_date=start_date, end_date=end_date, intro=intro
    )
    for priority in priorities:
        area = PriorityArea(
            plan=plan,
            number=priority.number,
            title=priority.title,
            description=priority.description,
            lead=priority.lead,
        )
        area.full_clean()
        area.save()
        for imported in priority.objectives:
            objective = KeyObjective(
                priority_area=area,
                number=imported.number,
                title=imported.title,
                description=imported.description,
                target_date=imported.target_date,
            )
            objective.full_clean()
            objective.save()
    return plan
