"""Rules across records: who may write what, numbering, quarterly updates with their version
check, evidence, meetings and projects. Views call one of these and redirect."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from programmes.access import RegionAccess
from programmes.models import ActionPlan, Membership
from sli_portal.core.quarters import Quarter

from .models import Evidence, KeyObjective, MeetingAction, PriorityArea, Project, QuarterlyMeeting, QuarterlyUpdate

UPDATE_FIELDS = ["rag_status", "progress", "achievements", "risks_and_issues", "next_steps"]


# --- Who may write -------------------------------------------------------------------------


def can_write_updates(*, user, access: RegionAccess, priority_area: PriorityArea) -> bool:
    """The coordinator, or the DPH lead or deputy of the priority area who still reads the region."""
    return access.can_coordinate or (access.can_read and priority_area.is_led_by(user))


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
    if objective.priority_area.plan.status == ActionPlan.Status.CLOSED:
        raise ValidationError("This plan is closed: its key objectives can no longer change")
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


def sign_off_objective(*, objective: KeyObjective, by, access: RegionAccess, note: str = "") -> KeyObjective:
    if not access.can_sign_off:
        raise PermissionDenied
    objective.sign_off(by=by, note=note.strip())
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
    evidence = Evidence(update=update, title=title, link=link, added_by=by)
    if file is not None:
        evidence.original_name = file.name[:255]
        evidence.file = file
    evidence.full_clean()
    evidence.save()
    return evidence


def delete_evidence(*, evidence: Evidence) -> None:
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    if stored:
        # Only once the row is gone for good, so a rolled-back delete keeps its file.
        transaction.on_commit(lambda: storage.delete(stored))


# --- Meetings ------------------------------------------------------------------------------


def save_meeting(*, meeting: QuarterlyMeeting, attendees) -> QuarterlyMeeting:
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
    if not action.owner_id and not action.owner_name.strip():
        raise ValidationError({"owner": "Select who owns the action, or enter their name"})
    action.full_clean()
    action.save()
    return action


def toggle_action(*, action: MeetingAction, by, access: RegionAccess) -> MeetingAction:
    if not can_tick_action(user=by, access=access, action=action):
        raise PermissionDenied
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
